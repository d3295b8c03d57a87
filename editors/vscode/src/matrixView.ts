// The "Crossls Targets" view in the explorer: each target with its
// packages and their status, refreshed from crossls/matrixChanged.

import * as vscode from 'vscode';
import { Location, Matrix, NodeState, packageNodes, targetNodes, TreeNode } from './matrix';

const ICONS: Record<NodeState, vscode.ThemeIcon> = {
	ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
	fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
	unchecked: new vscode.ThemeIcon('question', new vscode.ThemeColor('testing.iconQueued')),
	none: new vscode.ThemeIcon('circle-slash'),
};

export const OPEN_LOCATION_COMMAND = 'crossls.openMatrixCell';

export class MatrixTree implements vscode.TreeDataProvider<TreeNode> {
	private matrix: Matrix | undefined;
	private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
	readonly onDidChangeTreeData = this.changed.event;

	set(m: Matrix | undefined): void {
		// A late answer to crossls/matrix must not replace a newer notification.
		if (m && this.matrix && m.version !== 0 && m.version < this.matrix.version) {
			return;
		}
		this.matrix = m;
		this.changed.fire(undefined);
	}

	get current(): Matrix | undefined {
		return this.matrix;
	}

	getTreeItem(n: TreeNode): vscode.TreeItem {
		const item = new vscode.TreeItem(
			n.label,
			n.kind === 'target'
				? n.state === 'fail'
					? vscode.TreeItemCollapsibleState.Expanded
					: vscode.TreeItemCollapsibleState.Collapsed
				: vscode.TreeItemCollapsibleState.None,
		);
		item.id = n.kind === 'target' ? `target:${n.target}` : `package:${n.target}:${n.packagePath}`;
		item.description = n.description;
		item.tooltip = n.tooltip;
		item.iconPath = ICONS[n.state];
		item.contextValue = n.kind === 'target' ? 'crosslsTarget' : `crosslsPackage.${n.state}`;
		if (n.location) {
			item.command = { command: OPEN_LOCATION_COMMAND, title: 'Open the first error', arguments: [n.location] };
		}
		return item;
	}

	getChildren(n?: TreeNode): TreeNode[] {
		if (!this.matrix) {
			return [];
		}
		return n ? (n.kind === 'target' ? packageNodes(this.matrix, n.target) : []) : targetNodes(this.matrix);
	}
}

/** Opens a cell's first error in an editor, its range selected. */
export async function openLocation(loc: Location): Promise<void> {
	const range = new vscode.Range(
		loc.range.start.line,
		loc.range.start.character,
		loc.range.end.line,
		loc.range.end.character,
	);
	await vscode.window.showTextDocument(vscode.Uri.parse(loc.uri), { selection: range, preserveFocus: false });
}
