// The crossls extension: starts `crossls serve`, shows its diagnostics, and
// drives its build commands from the palette, the status bar and code actions.

import * as vscode from 'vscode';
import {
	DidChangeConfigurationNotification,
	DocumentFormattingRequest,
	ExecuteCommandRequest,
	LanguageClient,
	LanguageClientOptions,
	RevealOutputChannelOn,
	ServerOptions,
	State,
	TransportKind,
	WorkDoneProgress,
	WorkDoneProgressBegin,
	WorkDoneProgressCancelNotification,
	WorkDoneProgressCreateRequest,
	WorkDoneProgressEnd,
	WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { parseMatrix, TreeNode } from './matrix';
import { MatrixTree, openLocation } from './matrixView';
import { parsePlatformList, PlatformPickItem, platformPickItems, targetsSetting } from './platforms';
import { PercentTracker, showsAsNotification } from './progress';
import { findServerHere, INSTALL_COMMAND } from './serverPath';
import { serverSettings } from './settings';
import { parseStatus, Status, statusBarView } from './status';
import { buildArguments, chosenTargets, parseTargetList, TargetPickItem, targetPickItems } from './targets';

/** The Go extension; when present, gopls formats Go files, not crossls. */
const GO_EXTENSION = 'golang.go';

/** Server commands that run `go build`; refused in untrusted workspaces. */
const BUILD_COMMANDS = new Set(['crossls.build', 'crossls.buildAll']);

const UNTRUSTED_BUILD =
	'crossls: builds are disabled in an untrusted workspace, because `go build` can run programs the workspace chooses (a cgo C compiler, -toolexec). Diagnostics keep working. Trust the workspace to build.';

let extension: Crossls | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
	extension = new Crossls(context);
	await extension.start();
}

export async function deactivate(): Promise<void> {
	await extension?.stop();
	extension = undefined;
}

class Crossls {
	private client: LanguageClient | undefined;
	private readonly output = vscode.window.createOutputChannel('crossls', { log: true });
	private readonly statusItem = vscode.window.createStatusBarItem('crossls.status', vscode.StatusBarAlignment.Left, 10);
	private status: Status | undefined;
	private buildSeq = 0;
	private readonly tree = new MatrixTree();
	private readonly treeView = vscode.window.createTreeView('crossls.targets', { treeDataProvider: this.tree, showCollapseAll: true });
	/** Progress of the builds started here that the server has not ended. */
	private readonly openBuilds = new Set<ProgressView>();

	constructor(context: vscode.ExtensionContext) {
		this.statusItem.name = 'crossls';
		this.statusItem.command = 'crossls.pickTargets';
		this.renderTreeMessage();
		context.subscriptions.push(
			this.output,
			this.statusItem,
			this.treeView,
			this.tree.onDidChangeTreeData(() => this.renderTreeMessage()),
			command('crossls.pickTargets', () => this.pickTargets()),
			command('crossls.showMatrix', () => vscode.commands.executeCommand('crossls.targets.focus')),
			command('crossls.buildSelectedTarget', (node?: TreeNode) => this.buildSelectedTarget(node)),
			command('crossls.openMatrixCell', (loc) => openLocation(loc)),
			command('crossls.explainFile', (arg) => explainFile(arg)),
			command('crossls.buildForTarget', () => this.buildForTarget()),
			command('crossls.buildAllTargets', () => this.build('crossls.buildAll', buildArguments([], [], activeFileUri()))),
			command('crossls.cancelRunningBuild', () => this.cancelBuild()),
			command('crossls.showTargets', () => this.showTargets()),
			command('crossls.recheckWorkspace', () => this.serverCommand('crossls.recheck')),
			command('crossls.restartServer', () => this.restart()),
			command('crossls.showOutput', () => this.output.show(true)),
			vscode.workspace.onDidChangeConfiguration((e) => this.configurationChanged(e)),
			vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()),
			vscode.extensions.onDidChange(() => this.yieldFormatting()),
		);
		this.renderStatus();
		this.statusItem.show();
	}

	async start(): Promise<void> {
		const lookup = findServerHere(vscode.workspace.getConfiguration('crossls').get<string>('server.path', ''));
		if ('error' in lookup) {
			this.output.error(lookup.error);
			this.renderStopped(lookup.error);
			void this.reportMissingServer(lookup.error);
			return;
		}
		this.output.info(`starting ${lookup.path} serve`);
		const serverOptions: ServerOptions = {
			command: lookup.path,
			args: ['serve'],
			transport: TransportKind.stdio,
		};
		const clientOptions: LanguageClientOptions = {
			documentSelector: [{ scheme: 'file', language: 'go' }],
			// Checks may run the C compiler a project configures for a cgo
			// target only in a trusted workspace; granting trust restarts
			// the server with it.
			initializationOptions: { trustedWorkspace: vscode.workspace.isTrusted },
			diagnosticCollectionName: 'crossls',
			outputChannel: this.output,
			revealOutputChannelOn: RevealOutputChannelOn.Never,
			middleware: {
				workspace: {
					configuration: async (params, token, next) => {
						const result = await next(params, token);
						if (!Array.isArray(result)) {
							return result;
						}
						return params.items.map((item, i) =>
							item.section === 'crossls' ? this.settings(item.scopeUri) : result[i],
						);
					},
				},
				// The server's inlay hint repeats its code lens, for when
				// lenses are off: show one of the two.
				provideInlayHints: (document, viewPort, token, next) =>
					vscode.workspace.getConfiguration('editor', document).get<boolean>('codeLens', true) ? [] : next(document, viewPort, token),
				// Build commands reach the server from code actions too: check
				// trust and show progress for them like for the palette commands.
				executeCommand: (cmd, args, next) => (BUILD_COMMANDS.has(cmd) ? this.build(cmd, args) : next(cmd, args)),
			},
		};
		const client = new LanguageClient('crossls', 'crossls', serverOptions, clientOptions);
		client.onNotification('crossls/status', (params: unknown) => {
			const s = parseStatus(params);
			if (s) {
				this.status = s;
				this.renderStatus();
			}
		});
		client.onNotification('crossls/matrixChanged', (params: unknown) => this.tree.set(parseMatrix(params)));
		client.onDidChangeState((e) => {
			if (e.newState === State.Stopped) {
				this.endOpenBuilds();
				this.renderStopped('The crossls server stopped. See the output, or run "Crossls: Restart Server".');
			}
		});
		this.client = client;
		try {
			await client.start();
			// The client library shows server-created progress in the status
			// bar, where it cannot be cancelled; builds get a notification with
			// a Cancel button instead. This replaces the library's handler.
			client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
				this.trackProgress(client, token, false);
			});
			this.yieldFormatting();
			// The matrix of checks done before this subscription; later ones
			// come as crossls/matrixChanged.
			client.sendRequest('crossls/matrix', {}).then(
				(m) => this.tree.set(parseMatrix(m)),
				(err) => this.output.warn(`crossls/matrix: ${errorText(err)}`),
			);
		} catch (err) {
			const msg = `crossls: the server ${lookup.path} failed to start: ${errorText(err)}`;
			this.output.error(msg);
			this.renderStopped(msg);
			void vscode.window.showErrorMessage(msg, 'Show Output').then((a) => a && this.output.show(true));
		}
	}

	async stop(): Promise<void> {
		const client = this.client;
		this.client = undefined;
		this.endOpenBuilds();
		if (client) {
			try {
				await client.stop(2000);
			} catch (err) {
				this.output.warn(`stopping the server: ${errorText(err)}`);
			}
			await client.dispose().catch(() => undefined);
		}
	}

	async restart(): Promise<void> {
		await this.stop();
		this.status = undefined;
		this.renderStatus();
		await this.start();
	}

	/**
	 * Drops crossls's document formatter when the Go extension is installed:
	 * two formatters for Go would make VS Code ask the user to pick one, and
	 * gopls already formats with gofmt. Without the Go extension, crossls
	 * formats Go files.
	 */
	private yieldFormatting(): void {
		if (this.client?.isRunning() && vscode.extensions.getExtension(GO_EXTENSION)) {
			this.client.getFeature(DocumentFormattingRequest.method).clear();
		}
	}

	private settings(scopeUri: string | undefined) {
		const scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
		const config = vscode.workspace.getConfiguration('crossls', scope);
		return serverSettings((key) => config.get(key));
	}

	private configurationChanged(e: vscode.ConfigurationChangeEvent): void {
		if (e.affectsConfiguration('crossls.server.path')) {
			void this.restart();
			return;
		}
		if (e.affectsConfiguration('crossls') && this.client?.isRunning()) {
			// The server re-pulls its settings with workspace/configuration.
			void this.client
				.sendNotification(DidChangeConfigurationNotification.type, { settings: { crossls: this.settings(undefined) } })
				.catch((err) => this.output.warn(`didChangeConfiguration: ${errorText(err)}`));
		}
	}

	/** The running client, or undefined after telling the user why there is none. */
	private runningClient(): LanguageClient | undefined {
		if (this.client?.isRunning()) {
			return this.client;
		}
		void vscode.window
			.showErrorMessage('crossls: the language server is not running.', 'Restart Server', 'Show Output')
			.then((a) => (a === 'Restart Server' ? this.restart() : a && this.output.show(true)));
		return undefined;
	}

	private async serverCommand(cmd: string, args: unknown[] = []): Promise<unknown> {
		const client = this.runningClient();
		if (!client) {
			return undefined;
		}
		try {
			return await client.sendRequest(ExecuteCommandRequest.type, { command: cmd, arguments: args });
		} catch (err) {
			void vscode.window.showErrorMessage(`crossls: ${cmd} failed: ${errorText(err)}`);
			return undefined;
		}
	}

	private async listTargets() {
		const result = await this.serverCommand('crossls.listTargets');
		if (result === undefined) {
			return undefined;
		}
		try {
			return parseTargetList(result);
		} catch (err) {
			void vscode.window.showErrorMessage(errorText(err));
			return undefined;
		}
	}

	private pickItems(targets: ReturnType<typeof parseTargetList>): (TargetPickItem & vscode.QuickPickItem)[] {
		return targetPickItems(targets, this.status?.failing ?? [], (f) => vscode.workspace.asRelativePath(f));
	}

	private async buildForTarget(): Promise<void> {
		if (!vscode.workspace.isTrusted) {
			explainUntrusted();
			return;
		}
		const targets = await this.listTargets();
		if (!targets) {
			return;
		}
		if (targets.length === 0) {
			void vscode.window.showWarningMessage('crossls: no targets are configured.');
			return;
		}
		const qp = vscode.window.createQuickPick<TargetPickItem & vscode.QuickPickItem>();
		qp.title = 'Crossls: Build for Target';
		qp.placeholder = 'Type a target and press Enter, or tick several with Space';
		qp.canSelectMany = true;
		qp.matchOnDescription = true;
		qp.items = this.pickItems(targets);
		const chosen = await new Promise<string[]>((resolve) => {
			qp.onDidAccept(() => {
				resolve(chosenTargets(qp.selectedItems, qp.activeItems, qp.value, qp.items));
				qp.hide();
			});
			qp.onDidHide(() => resolve([]));
			qp.show();
		});
		qp.dispose();
		if (chosen.length > 0) {
			await this.build('crossls.build', buildArguments(chosen, [], activeFileUri()));
		}
	}

	/**
	 * The target picker of the status bar: every platform of the user's Go,
	 * the current targets ticked. The choice becomes the workspace's
	 * crossls.targets setting, which the server applies at once.
	 */
	private async pickTargets(): Promise<void> {
		const result = await this.serverCommand('crossls.listPlatforms');
		if (result === undefined) {
			return;
		}
		let list;
		try {
			list = parsePlatformList(result);
		} catch (err) {
			void vscode.window.showErrorMessage(errorText(err));
			return;
		}
		const qp = vscode.window.createQuickPick<PlatformPickItem & vscode.QuickPickItem>();
		qp.title = `Crossls: Choose Targets${list.goVersion ? ` (${list.goVersion})` : ''}`;
		qp.placeholder = 'Tick the targets to check and build, then Enter; none ticked uses the project\'s configuration';
		qp.canSelectMany = true;
		qp.items = platformPickItems(list);
		qp.selectedItems = qp.items.filter((i) => i.picked);
		const chosen = await new Promise<readonly PlatformPickItem[] | undefined>((resolve) => {
			qp.onDidAccept(() => {
				resolve(qp.selectedItems);
				qp.hide();
			});
			qp.onDidHide(() => resolve(undefined));
			qp.show();
		});
		qp.dispose();
		if (!chosen) {
			return;
		}
		const setting = targetsSetting(chosen);
		const where = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
		try {
			await vscode.workspace.getConfiguration('crossls').update('targets', setting, where);
		} catch (err) {
			void vscode.window.showErrorMessage(`crossls: could not write crossls.targets: ${errorText(err)}`);
		}
	}

	/** Builds the target of the selected row of the Crossls Targets view. */
	private async buildSelectedTarget(node?: TreeNode): Promise<void> {
		const target = node?.target ?? this.treeView.selection[0]?.target;
		if (!target) {
			void vscode.window.showInformationMessage('crossls: select a target in the Crossls Targets view to build it.');
			return;
		}
		await this.build('crossls.build', buildArguments([target], []));
	}

	private renderTreeMessage(): void {
		const m = this.tree.current;
		this.treeView.message = !m ? 'crossls has not checked anything yet.' : m.targets.length === 0 ? 'No targets: open a Go file of a module.' : undefined;
	}

	private async showTargets(): Promise<void> {
		const targets = await this.listTargets();
		if (!targets) {
			return;
		}
		const pick = await vscode.window.showQuickPick(this.pickItems(targets), {
			title: `crossls checks ${targets.length} target${targets.length === 1 ? '' : 's'}`,
			placeHolder: 'Select a target to open the file that configures it',
			matchOnDescription: true,
		});
		if (pick?.file) {
			await vscode.window.showTextDocument(vscode.Uri.file(pick.file));
		} else if (pick) {
			await vscode.commands.executeCommand('workbench.action.openSettings', 'crossls.targets');
		}
	}

	/**
	 * Runs a server build command. The server answers at once and reports
	 * through $/progress on the token sent here; the notification it drives
	 * can be cancelled, which cancels the build.
	 */
	private async build(cmd: string, args: unknown[]): Promise<unknown> {
		if (!vscode.workspace.isTrusted) {
			explainUntrusted();
			return undefined;
		}
		const client = this.runningClient();
		if (!client) {
			return undefined;
		}
		// The server may report on this token, or create one of its own.
		const token = `crossls-vscode-build-${++this.buildSeq}`;
		const progress = this.trackProgress(client, token, true);
		let result: unknown;
		try {
			result = await client.sendRequest(ExecuteCommandRequest.type, { command: cmd, arguments: args, workDoneToken: token });
		} catch (err) {
			progress.dispose();
			void vscode.window.showErrorMessage(`crossls: the build did not start: ${errorText(err)}`);
			return undefined;
		}
		const r = result as { started?: unknown; message?: unknown } | null;
		if (!r || r.started !== true) {
			progress.dispose();
			const why = r && typeof r.message === 'string' ? r.message : JSON.stringify(result);
			void vscode.window.showWarningMessage(`crossls: the build did not start: ${why}`);
		}
		return result;
	}

	/**
	 * Shows the progress the server reports on token. ours marks a token this
	 * extension sent with a build request: a server may never use it, so such
	 * subscriptions that have not begun end with the next build.
	 */
	private trackProgress(client: LanguageClient, token: string | number, ours: boolean): ProgressView {
		if (ours) {
			for (const b of this.openBuilds) {
				if (b.ours && !b.begun) {
					b.dispose();
				}
			}
		}
		const cancelBuild = ours ? () => this.cancelBuild() : () => undefined;
		const b = new ProgressView(client, token, ours, cancelBuild, () => this.openBuilds.delete(b));
		this.openBuilds.add(b);
		return b;
	}

	private endOpenBuilds(): void {
		for (const b of [...this.openBuilds]) {
			b.dispose();
		}
	}

	private async cancelBuild(): Promise<void> {
		await this.serverCommand('crossls.cancelBuild');
	}

	private renderStatus(): void {
		const view = statusBarView(this.status);
		this.statusItem.text = view.text;
		this.statusItem.tooltip = new vscode.MarkdownString(view.tooltip, true);
		this.statusItem.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
		this.statusItem.command = 'crossls.pickTargets';
	}

	private renderStopped(why: string): void {
		this.statusItem.text = '$(error) crossls';
		this.statusItem.tooltip = why;
		this.statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
		this.statusItem.command = 'crossls.showOutput';
	}

	private async reportMissingServer(error: string): Promise<void> {
		const copy = 'Copy Install Command';
		const settings = 'Open Settings';
		const a = await vscode.window.showErrorMessage(error, copy, settings);
		if (a === copy) {
			await vscode.env.clipboard.writeText(INSTALL_COMMAND);
			void vscode.window.showInformationMessage(`Copied "${INSTALL_COMMAND}". Run it, then "Crossls: Restart Server".`);
		} else if (a === settings) {
			await vscode.commands.executeCommand('workbench.action.openSettings', 'crossls.server.path');
		}
	}
}

/**
 * The progress of one token: opened by the server's "begin", updated by each
 * "report", closed by "end". Builds show as a notification whose Cancel
 * button cancels the build; other work shows in the status bar.
 */
class ProgressView implements vscode.Disposable {
	begun = false;
	private readonly sub: vscode.Disposable;
	private report: ((v: WorkDoneProgressReport | WorkDoneProgressEnd) => void) | undefined;
	private finish: (() => void) | undefined;
	private disposed = false;

	constructor(
		private readonly client: LanguageClient,
		private readonly token: string | number,
		readonly ours: boolean,
		private readonly cancelBuild: () => unknown,
		private readonly onDispose: () => void,
	) {
		this.sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
			if (v.kind === 'begin') {
				this.begin(v);
				return;
			}
			this.report?.(v);
			if (v.kind === 'end') {
				this.dispose();
			}
		});
	}

	private begin(v: WorkDoneProgressBegin): void {
		if (this.begun || this.disposed) {
			return;
		}
		this.begun = true;
		const notify = this.ours || showsAsNotification(v.title);
		const location = notify ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
		void vscode.window.withProgress(
			{ location, title: v.title, cancellable: notify && (v.cancellable ?? this.ours) },
			(progress, cancel) =>
				new Promise<void>((resolve) => {
					const tracker = new PercentTracker();
					progress.report(tracker.step(v));
					cancel.onCancellationRequested(() => {
						void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
						void this.cancelBuild();
					});
					this.report = (r) => progress.report(tracker.step(r));
					this.finish = resolve;
					if (this.disposed) {
						resolve();
					}
				}),
		);
	}

	dispose(): void {
		if (this.disposed) {
			return;
		}
		this.disposed = true;
		this.sub.dispose();
		this.finish?.();
		this.onDispose();
	}
}

function explainUntrusted(): void {
	void vscode.window.showWarningMessage(UNTRUSTED_BUILD, 'Manage Workspace Trust').then((a) => {
		if (a) {
			void vscode.commands.executeCommand('workbench.trust.manage');
		}
	});
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function command(id: string, run: (...args: any[]) => unknown): vscode.Disposable {
	return vscode.commands.registerCommand(id, run);
}

function errorText(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

/**
 * The code lens's command: the hover of the file's package clause, which
 * says which targets build it and why the others do not.
 */
async function explainFile(arg: unknown): Promise<void> {
	const a = arg as { uri?: unknown; position?: { line?: unknown; character?: unknown } } | undefined;
	if (typeof a?.uri !== 'string') {
		return;
	}
	const editor = await vscode.window.showTextDocument(vscode.Uri.parse(a.uri));
	const line = typeof a.position?.line === 'number' ? a.position.line : 0;
	const character = typeof a.position?.character === 'number' ? a.position.character : 0;
	const pos = new vscode.Position(line, character);
	editor.selection = new vscode.Selection(pos, pos);
	await vscode.commands.executeCommand('editor.action.showHover');
}

/** The file of the active editor, whose module a build from the palette builds. */
function activeFileUri(): string | undefined {
	const uri = vscode.window.activeTextEditor?.document.uri;
	return uri?.scheme === 'file' ? uri.toString() : undefined;
}
