/** A page that loads its data when shown, shows errors in words, and runs actions with a notice. */
import { Component, type ComponentChildren } from './vendor/preact/preact.module.js';
import { html } from './html.js';

export interface LoadedState<D> {
  data?: D;
  error?: string;
  notice?: string;
  busy?: boolean;
  /** The item shown is gone after an action (nothing to load again). */
  gone?: boolean;
}

export abstract class Loaded<P, D, S extends LoadedState<D> = LoadedState<D>> extends Component<P, S> {
  abstract load(): Promise<D>;
  abstract view(data: D): ComponentChildren;

  /** What a page shows once its item is gone (a link back to its list). */
  afterGone(): ComponentChildren {
    return null;
  }

  override componentDidMount(): void {
    void this.reload();
  }

  override componentDidUpdate(previous: P): void {
    if (JSON.stringify(previous) !== JSON.stringify(this.props)) void this.reload();
  }

  async reload(): Promise<void> {
    try {
      const data = await this.load();
      this.setState({ data, error: undefined } as Partial<S>);
    } catch (error) {
      this.setState({ error: error instanceof Error ? error.message : String(error) } as Partial<S>);
    }
  }

  /**
   * Runs `work`; its answer becomes the notice, its error the error; then the page reloads, unless
   * `gone` says the item shown no longer exists after it succeeds (a retried letter, a linked match).
   */
  async act(work: () => Promise<string>, gone = false): Promise<void> {
    this.setState({ busy: true, error: undefined, notice: undefined } as Partial<S>);
    try {
      const notice = await work();
      this.setState({ notice, busy: false, ...(gone ? { data: undefined, gone: true } : {}) } as Partial<S>);
      if (gone) return;
    } catch (error) {
      this.setState({ error: error instanceof Error ? error.message : String(error), busy: false } as Partial<S>);
    }
    await this.reload();
  }

  override render(): ComponentChildren {
    const { data, error, notice, gone } = this.state;
    if (gone === true)
      return html`<p class="notice" role="status">${notice}</p>
        ${this.afterGone()}`;
    return html`
      ${notice === undefined ? null : html`<p class="notice" role="status">${notice}</p>`}
      ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
      ${data === undefined ? (error === undefined ? html`<p class="muted">Loading…</p>` : null) : this.view(data)}
    `;
  }
}
