export interface StartPageProps {
  onOpen(files: { name: string; source: Blob | string }[]): void;
}

const DEMOS = [
  {
    file: 'demo/session.moqtrace',
    title: 'MoQT session trace',
    text: 'A client session: setup, subscriptions, subgroup streams with objects, an error and annotations.',
  },
  {
    file: 'demo/streams.ss',
    title: 'SeaStreamer recording',
    text: 'Several streams and shards of JSON, text and binary messages, spliced by beacons.',
  },
];

export function StartPage({ onOpen }: StartPageProps) {
  return (
    <div class="start" data-testid="start-page">
      <h1>Open a recording</h1>
      <p>
        Drop <code>.moqtrace</code> traces, MoQT qlog/mlog files (<code>.qlog</code>, <code>.sqlog</code>, moxygen and
        moq-rs mlogs) or SeaStreamer <code>.ss</code> recordings anywhere on this page, or use{' '}
        <strong>Open files…</strong>; from a shell, <code>xtrace view FILE</code> opens a file here. Several files open
        in tabs. Everything stays in this browser: files are parsed locally and nothing is uploaded.
      </p>
      <h2>Open demo</h2>
      <div class="demo-cards">
        {DEMOS.map((demo) => (
          <button
            type="button"
            key={demo.file}
            class="demo-card"
            data-testid={`demo-${demo.file.split('.').pop()}`}
            onClick={() => onOpen([{ name: demo.file.split('/').pop() ?? demo.file, source: demo.file }])}
          >
            <strong>{demo.title}</strong>
            <span>{demo.text}</span>
            <code>{demo.file}</code>
          </button>
        ))}
      </div>
      <h2>Keyboard</h2>
      <ul class="keys">
        <li>
          <kbd>j</kbd> / <kbd>k</kbd> next / previous row
        </li>
        <li>
          <kbd>/</kbd> focus the search box
        </li>
        <li>
          <kbd>Esc</kbd> leave the search box
        </li>
      </ul>
    </div>
  );
}
