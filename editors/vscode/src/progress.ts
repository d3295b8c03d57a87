// Translating LSP work-done progress into VS Code's progress API.

export interface ProgressValue {
	message?: string;
	percentage?: number;
}

/**
 * LSP reports absolute percentages; VS Code's Progress.report takes
 * increments. A PercentTracker turns one into the other and ignores
 * percentages that go backwards or beyond 100.
 */
export class PercentTracker {
	private done = 0;

	step(v: ProgressValue): { message?: string; increment?: number } {
		const out: { message?: string; increment?: number } = {};
		if (typeof v.message === 'string' && v.message !== '') {
			out.message = v.message;
		}
		if (typeof v.percentage === 'number' && Number.isFinite(v.percentage)) {
			const p = Math.min(100, v.percentage);
			if (p > this.done) {
				out.increment = p - this.done;
				this.done = p;
			}
		}
		return out;
	}
}

/**
 * Reports whether server progress with this title deserves a notification:
 * builds do (they take a while, produce files and can be cancelled); checks
 * run after every edit and stay in the status bar.
 */
export function showsAsNotification(title: string): boolean {
	return /^crossls: build/i.test(title);
}
