/// The page `rawnet web` serves: HTML, CSS and the script, all here, nothing fetched
/// from elsewhere. The script is in `WebPage+Script.swift`.
enum WebPage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>RawNet</title>
    <link rel="stylesheet" href="/app.css">
    </head>
    <body>
    <header>
      <strong>RawNet</strong> <span id="lab"></span>
      <span class="controls">
        <button id="pause" data-t="pause"></button>
        <button id="back" data-t="back" disabled></button>
        <button id="forward" data-t="forward" disabled></button>
        <button id="play" data-t="play" disabled></button>
        <label><span data-t="speed"></span>
          <select id="speed"><option value="0.25">¼×</option><option value="0.5">½×</option><option value="1" selected>1×</option><option value="4">4×</option><option value="16">16×</option></select>
        </label>
        <span id="position"></span>
      </span>
      <button id="connections" data-t="connections"></button>
      <button id="chat-button" data-t="chat"></button>
      <span class="right">
        <span id="conn"></span>
        <button id="lang">한국어</button>
      </span>
    </header>
    <main>
      <section id="canvas">
        <svg id="topo" xmlns="http://www.w3.org/2000/svg"></svg>
        <div id="topo-error" hidden></div>
        <div id="legend"></div>
      </section>
      <aside id="panel">
        <div id="chat" hidden></div>
        <div id="details"><p class="hint" data-t="hint"></p></div>
      </aside>
    </main>
    <footer>
      <div id="events"></div>
    </footer>
    <script src="/app.js"></script>
    </body>
    </html>
    """#

    static let style = #"""
    * { box-sizing: border-box; }
    html, body { margin: 0; height: 100%; font: 14px system-ui, "Noto Sans CJK KR", "Noto Sans KR", sans-serif; color: #1d2430; background: #f6f7f9; }
    body { display: grid; grid-template-rows: auto 1fr 28%; height: 100vh; }
    header { display: flex; gap: 12px; align-items: center; padding: 6px 10px; background: #20293a; color: #fff; flex-wrap: wrap; }
    header .controls { display: flex; gap: 6px; align-items: center; }
    header .right { margin-left: auto; display: flex; gap: 8px; align-items: center; }
    header button, header select { font: inherit; padding: 2px 8px; border-radius: 4px; border: 1px solid #5a6a88; background: #33405a; color: #fff; }
    header button:disabled { opacity: .45; }
    header button.on { background: #c0392b; }
    #conn.live { color: #7dde92; } #conn.down { color: #ff8a80; } #conn.paused { color: #ffd166; }
    main { display: grid; grid-template-columns: 1fr 420px; min-height: 0; }
    #canvas { position: relative; min-height: 0; }
    #topo { width: 100%; height: 100%; display: block; background: #fff; border-right: 1px solid #d5d9e0; }
    #legend { position: absolute; left: 8px; bottom: 6px; font-size: 12px; display: flex; gap: 10px; background: #fffc; padding: 2px 6px; border-radius: 4px; }
    #topo-error { position: absolute; left: 8px; right: 8px; top: 8px; padding: 6px 10px; border-radius: 4px; background: #fdecea; color: #b00020; font-weight: 600; border: 1px solid #f5c2c0; }
    #legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px; vertical-align: -1px; }
    #panel { overflow: auto; padding: 8px 10px; background: #fbfbfc; }
    #panel h3 { margin: 4px 0 8px; font-size: 15px; }
    #panel pre { font: 12px/1.25 "DejaVu Sans Mono", monospace; white-space: pre; overflow-x: auto; background: #fff; border: 1px solid #e1e4ea; padding: 6px; }
    #panel .hint { color: #667; }
    #panel pre.line { white-space: pre-wrap; word-break: break-all; }
    #panel form { display: grid; grid-template-columns: 110px 1fr; gap: 6px 8px; align-items: center; }
    #panel form input[type=text] { font: inherit; padding: 2px 4px; width: 100%; }
    #panel form .row { grid-column: 1 / 3; display: flex; gap: 6px; flex-wrap: wrap; }
    #panel .error { color: #b00020; font-weight: 600; grid-column: 1 / 3; }
    #panel .ok { color: #1b7f3b; grid-column: 1 / 3; }
    #panel .conn-item { display: block; margin: 2px 0; font: 12px "DejaVu Sans Mono", monospace; }
    #panel img.plot { width: 100%; border: 1px solid #e1e4ea; background: #fff; }
    footer { overflow: auto; border-top: 1px solid #d5d9e0; background: #fff; }
    #events { font: 12px/1.35 "DejaVu Sans Mono", monospace; }
    /* A long row wraps within the pane; its next lines start past the time column (10 ch). */
    .ev-row { white-space: pre-wrap; overflow-wrap: anywhere; padding: 0 8px 0 calc(8px + 10ch); text-indent: -10ch; cursor: pointer; border-left: 4px solid transparent; }
    .ev-row:hover { background: #eef3ff; }
    .ev-row.sel { background: #dde8ff; }
    .ev-row.dropped { color: #b00020; }
    .ev-row.lost, .ev-row.gap { color: #fff; background: #b00020; }
    .ev-row.counts { color: #5b3b9c; }
    .ev-row.unlisted { color: #666; font-style: italic; cursor: default; }
    .ev-row.retransmit { font-weight: 700; }
    .ev-row.future { opacity: .35; }
    .node rect { fill: #eef2f8; stroke: #44506a; stroke-width: 1.5; rx: 8; }
    .node.router rect { fill: #fff4e0; stroke: #b26a00; }
    .node.linux rect { fill: #eaf8ec; stroke: #2b7a3b; }
    .node.down rect { stroke-dasharray: 4 3; opacity: .6; }
    .node.remote rect { stroke-dasharray: 2 3; fill: #f2f2f2; }
    .node text { font-size: 12px; pointer-events: none; }
    .node .name { font-weight: 700; font-size: 14px; }
    .node { cursor: grab; }
    .link line.wire { stroke: #7a869c; stroke-width: 3; }
    .link line.hit { stroke: transparent; stroke-width: 16; cursor: pointer; }
    .link.impaired line.wire { stroke: #e67e22; }
    .link.down line.wire { stroke: #c0392b; stroke-dasharray: 8 6; }
    .link.sel line.wire { stroke-width: 5; }
    .link text { font-size: 11px; fill: #334; }
    .badge rect { fill: #e67e22; rx: 4; } .badge text { fill: #fff; font-size: 11px; font-weight: 600; }
    .badge.down rect { fill: #c0392b; }
    .frame { stroke: #fff; stroke-width: 1.5; cursor: pointer; }
    .frame.retransmit { stroke: #000; stroke-width: 2.5; }
    .frame.mine { stroke: #f1c40f; stroke-width: 3; }
    .ev-row.mine { background: #fff8d6; }
    #chat { border-bottom: 1px solid #d5d9e0; margin-bottom: 8px; padding-bottom: 8px; }
    #chat-log { max-height: 160px; overflow: auto; font: 12px/1.35 "DejaVu Sans Mono", monospace; background: #fff; border: 1px solid #e1e4ea; padding: 4px; margin: 6px 0; }
    #chat-log:empty { display: none; }
    #chat-log .chat-error, #chat-log .chat-note { color: #b00020; }
    #chat-log .chat-end { color: #667; }
    #chat-send { display: flex; gap: 6px; }
    #chat-send input { flex: 1; font: inherit; }
    table.internals { border-collapse: collapse; font: 12px "DejaVu Sans Mono", monospace; width: 100%; }
    /* In Korean the boxes stay aligned only if a Hangul syllable is exactly two Latin columns.
       Noto Sans Mono CJK KR draws Latin 0.5 em wide but Hangul 0.92 em, so its Hangul is taken
       at 1000/920 of the size (1 em); it draws box-drawing lines, arrows and marks two columns
       wide, as CJK fonts do, so those come from DejaVu Sans Mono, made as narrow as the font's
       Latin (0.5 em against 0.602 em). */
    @font-face { font-family: "RawNet Box"; src: local("DejaVu Sans Mono"); size-adjust: 83.06%;
                 unicode-range: U+2190-21FF, U+2500-257F, U+2713, U+2717, U+00B7, U+2026, U+00D7; }
    @font-face { font-family: "RawNet Hangul"; src: local("Noto Sans Mono CJK KR"); size-adjust: 108.6957%;
                 unicode-range: U+1100-11FF, U+3130-318F, U+A960-A97F, U+AC00-D7FF; }
    /* Korean words are not broken between syllables. */
    html[lang=ko] body { word-break: keep-all; }
    html[lang=ko] #panel pre, html[lang=ko] #events, html[lang=ko] table.internals { font-family: "RawNet Box", "RawNet Hangul", "Noto Sans Mono CJK KR", "DejaVu Sans Mono", monospace;
      font-kerning: none; font-variant-ligatures: none; }
    table.internals td, table.internals th { border: 1px solid #e1e4ea; padding: 2px 4px; text-align: right; vertical-align: top; }
    table.internals th { text-align: left; font-weight: 600; }
    table.internals small { font-size: 11px; color: #556; white-space: normal; }
    .drop text { fill: #b00020; font-size: 11px; font-weight: 700; }
    .count text { font-size: 11px; font-weight: 700; }
    """#
}
