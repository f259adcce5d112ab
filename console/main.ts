/**
 * The console's shell: sign-in with the API token (then a session cookie), the navigation, and the
 * hash routes (#/, #/runs, #/conflicts, #/dead-letters, #/matches, #/reports and one item of each).
 */
import { Component, render, type ComponentChildren } from './vendor/preact/preact.module.js';
import { onSession, resumeSession, signIn, signOut } from './api.js';
import { html } from './html.js';
import { ConflictPage, Conflicts } from './pages/conflicts.js';
import { DeadLetterPage, DeadLetters } from './pages/dead-letters.js';
import { MatchPage, Matches } from './pages/matches.js';
import { Overview } from './pages/overview.js';
import { ReportPage, Reports } from './pages/reports.js';
import { RunChanges, Runs } from './pages/runs.js';

interface Route {
  readonly parts: string[];
  readonly sync?: string;
}

function route(): Route {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const sync = new URLSearchParams(query).get('sync') ?? undefined;
  return {
    parts: path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent),
    ...(sync === undefined ? {} : { sync }),
  };
}

function page(r: Route): ComponentChildren {
  const [section = '', id, more] = r.parts;
  const sync = r.sync === undefined ? {} : { sync: r.sync };
  switch (section) {
    case 'runs':
      return id === undefined ? html`<${Runs} ...${sync} />` : html`<${RunChanges} id=${id} />`;
    case 'conflicts':
      return id === undefined ? html`<${Conflicts} ...${sync} />` : html`<${ConflictPage} id=${id} />`;
    case 'dead-letters':
      return id === undefined ? html`<${DeadLetters} ...${sync} />` : html`<${DeadLetterPage} id=${id} />`;
    case 'matches':
      return id === undefined || more === undefined
        ? html`<${Matches} ...${sync} />`
        : html`<${MatchPage} sync=${id} record=${more} />`;
    case 'reports':
      return id === undefined ? html`<${Reports} ...${sync} />` : html`<${ReportPage} id=${id} />`;
    default:
      return html`<${Overview} />`;
  }
}

const NAV: readonly [string, string][] = [
  ['', 'Overview'],
  ['runs', 'Run history'],
  ['conflicts', 'Conflicts'],
  ['dead-letters', 'Dead letters'],
  ['matches', 'Ambiguous matches'],
  ['reports', 'Drift reports'],
];

interface ShellState {
  signedIn?: boolean;
  route: Route;
  error?: string;
}

class Shell extends Component<Record<string, never>, ShellState> {
  override state: ShellState = { route: route() };

  override componentDidMount(): void {
    addEventListener('hashchange', () => this.setState({ route: route() }));
    onSession((signedIn) => this.setState({ signedIn }));
    void resumeSession().then((signedIn) => this.setState({ signedIn }));
  }

  async submit(event: Event): Promise<void> {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    try {
      await signIn(input.value);
      input.value = '';
      this.setState({ error: undefined });
    } catch (error) {
      this.setState({ error: error instanceof Error ? error.message : String(error) });
    }
  }

  override render(): ComponentChildren {
    const { signedIn, route: r, error } = this.state;
    if (signedIn === undefined) return html`<p class="muted">Loading…</p>`;
    if (!signedIn)
      return html`<main class="signin">
        <h1>Tandem</h1>
        <form onSubmit=${(e: Event) => void this.submit(e)}>
          <label>API token <input type="password" name="token" autocomplete="current-password" required /></label>
          <button type="submit">Sign in</button>
        </form>
        ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
        <p class="muted">
          The token is the daemon's <code>server.tokenSecret</code>. It is sent once; a session cookie follows.
        </p>
      </main>`;
    const here = r.parts[0] ?? '';
    return html`<header>
        <strong>Tandem</strong>
        <nav>
          ${NAV.map(([path, label]) => html`<a href=${`#/${path}`} class=${here === path ? 'here' : ''}>${label}</a>`)}
        </nav>
        <button class="link" onClick=${() => void signOut()}>Sign out</button>
      </header>
      <main>${page(r)}</main>`;
  }
}

const root = document.getElementById('app');
if (root !== null) render(html`<${Shell} />`, root);
