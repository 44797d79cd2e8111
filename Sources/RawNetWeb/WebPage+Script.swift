extension WebPage {
    /// The page's script: topology drawing and layout, frames along links, the event list,
    /// simulation mode (pause, step, play), the link form, English and Korean.
    static let script = #"""
    "use strict";
    const T = {
      en: { pause: "Pause", live: "Live", back: "◀ Step", forward: "Step ▶", play: "Play", stop: "Stop", speed: "Speed",
            hint: "Click a frame (a dot or a line below) to see its layers; click a link to impair it. Drag nodes to arrange them.",
            connected: "live", recordingPaused: "recording (paused)", labStopped: "lab not running", disconnected: "disconnected", ended: "the lab stopped", savedEnd: "end of the saved trace", saved: "saved trace",
            link: "Link", direction: "Direction", both: "both directions", loss: "Loss", delay: "Delay", jitter: "Jitter",
            reorder: "Reorder", duplicate: "Duplicate", corrupt: "Corrupt", rate: "Rate", apply: "Apply", clear: "Clear",
            up: "Link up", down: "Link down", linkDown: "DOWN", settings: "Now", applied: "Applied", frame: "Frame", event: "Event", eg: "e.g.", layers: "Layers",
            hops: "Hops of this packet", counted: "counted", events: "events", lost: "events lost", gap: "messages this page missed", unlisted: "more events not listed while the lab is busy (Pause lists every one)",
            position: "event", of: "of", connections: "TCP connections", none: "no TCP connection yet", ladder: "Ladder", plot: "Time-sequence plot", dropped: "dropped", retransmit: "retransmission", recording: "paused: recording",
            chat: "Chat", chatHost: "From host", room: "Room (host or address)", port: "Port", name: "Name", join: "Join", leave: "Leave", send: "Send",
            chatLeft: "left the room", mine: "your line", openConnection: "This TCP connection", internals: "TCP internals (live)",
            end: "end", state: "state", retrans: "retransmissions", sentBytes: "bytes sent", receivedBytes: "bytes received", gone: "no longer held" },
      ko: { pause: "일시정지", live: "실시간", back: "◀ 한 단계", forward: "한 단계 ▶", play: "재생", stop: "멈춤", speed: "속도",
            hint: "프레임(점 또는 아래 줄)을 누르면 계층별 내용이 보입니다. 링크를 누르면 장애를 설정합니다. 노드는 끌어서 옮길 수 있습니다.",
            connected: "실시간", recordingPaused: "기록 중 (일시정지)", labStopped: "실습 네트워크 멈춤", disconnected: "연결 끊김", ended: "실습 네트워크가 멈췄습니다", savedEnd: "저장된 트레이스의 끝", saved: "저장된 트레이스",
            link: "링크", direction: "방향", both: "양방향", loss: "손실", delay: "지연", jitter: "지터",
            reorder: "순서 바꿈", duplicate: "복제", corrupt: "손상", rate: "속도 제한", apply: "적용", clear: "초기화",
            up: "링크 올림", down: "링크 내림", linkDown: "링크 내려감 (DOWN)", settings: "현재", applied: "적용됨", frame: "프레임", event: "이벤트", eg: "예:", layers: "계층",
            hops: "이 패킷의 홉", counted: "집계", events: "이벤트", lost: "개 이벤트 유실", gap: "개 메시지를 이 페이지가 놓침", unlisted: "개 이벤트는 실습 네트워크가 바쁜 동안 목록에 싣지 않음 (일시정지하면 모두 나옴)",
            position: "이벤트", of: "/", connections: "TCP 연결", none: "아직 TCP 연결이 없습니다", ladder: "래더 다이어그램", plot: "시간-순서 그래프", dropped: "버려짐", retransmit: "재전송", recording: "일시정지: 기록 중",
            chat: "채팅", chatHost: "보내는 호스트", room: "방 (호스트 또는 주소)", port: "포트", name: "이름", join: "참여", leave: "나가기", send: "보내기",
            chatLeft: "방을 나갔습니다", mine: "내 줄", openConnection: "이 TCP 연결", internals: "TCP 내부 상태 (실시간)",
            end: "끝점", state: "상태", retrans: "재전송", sentBytes: "보낸 바이트", receivedBytes: "받은 바이트", gone: "이미 닫힘" },
    };
    const COLORS = { arp: "#8e44ad", icmp: "#2980b9", udp: "#16a085", tcp: "#d35400", dns: "#27ae60", http: "#c0392b", other: "#7f8c8d" };
    const NS = "http://www.w3.org/2000/svg";
    const $ = (id) => document.getElementById(id);
    const state = {
      lang: chooseLanguage(location.search, localStorage.getItem("rawnet-lang"), navigator.language),
      topo: null, pos: {}, entries: [], cursor: -1, live: true, playing: null, selected: null, selectedLink: null,
      framesByLink: {}, dropsByLink: {}, labelSides: {}, countedByLink: {}, gaps: 0, ended: false, lastCountsAt: -Infinity,
    };
    window.rawnetState = state;
    const MAX_ENTRIES = 20000, MAX_ROWS = 400, MAX_FLYING = 24, MAX_FLYING_BUSY = 4;
    // The page's language: the address's ?lang=ko or ?lang=en first, else the one last chosen
    // with the button (remembered in this browser), else the browser's own (Korean for ko, ko-KR).
    function chooseLanguage(search, stored, browser) {
      const asked = new URLSearchParams(search).get("lang");
      if (asked === "ko" || asked === "en") return asked;
      if (stored === "ko" || stored === "en") return stored;
      return /^ko\b/i.test(browser || "") ? "ko" : "en";
    }
    function t(key) { return (T[state.lang] || T.en)[key] || key; }
    // "12 events" in English, "이벤트 12개" in Korean, where the counter follows the noun.
    function eventCount(n) { return state.lang === "ko" ? `${t("events")} ${n}개` : `${n} ${t("events")}`; }

    function translate() {
      document.documentElement.lang = state.lang;
      for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
      $("pause").textContent = state.live ? t("pause") : t("live");
      $("play").textContent = state.playing ? t("stop") : t("play");
      $("lang").textContent = state.lang === "en" ? "한국어" : "English";
      showConn();
      $("legend").innerHTML = Object.keys(COLORS).map(p => `<span><i style="background:${COLORS[p]}"></i>${p === "other" && state.lang === "ko" ? "기타" : p.toUpperCase()}</span>`).join("")
        + `<span style="color:#b00020">✗ ${t("dropped")}</span>`;
      updatePosition();
      // The nodes' kinds and the links' badges are words of the drawing.
      if (state.topo) draw();
      if (state.entries.length) rebuildRows();
      if (state.selected !== null) select(state.selected);
      if (state.selectedLink !== null) showLinkForm(state.selectedLink);
      if (state.connectionsOpen) showConnections(state.connection);
      if (state.chatOpen) showChat();
      showTopologyError();
    }
    // A trace line and layer boxes in the page's language (the Korean of the terminal views).
    function evLine(ev) { return state.lang === "ko" && ev.lineKo ? ev.lineKo : ev.line; }
    // A Korean term's words are held together by no-break spaces for the terminal's wrapping; the
    // page's fonts draw those narrower or wider than a space, which would push a box's column out
    // of line: plain spaces here (boxes are never wrapped).
    function evLayers(ev) { return state.lang === "ko" && ev.layersKo ? ev.layersKo.replaceAll("\u00a0", " ") : ev.layers; }

    function el(name, attrs, parent) {
      const e = document.createElementNS(NS, name);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      if (parent) parent.appendChild(e);
      return e;
    }

    // ---- topology ----
    // Asked again every 3 s. While the lab is down the server answers {error, errorKo}: the page
    // says so over the last drawing, and draws again once the lab is back.
    async function loadTopology() {
      const response = await fetch("/api/topology");
      const text = await response.text();
      let topo = null;
      try { topo = JSON.parse(text); } catch (error) { topo = null; }
      if (!response.ok || !topo || topo.error) {
        state.topoText = null;
        state.topoError = topo && topo.error ? { en: topo.error, ko: topo.errorKo || topo.error }
          : { en: `the server could not give the lab's topology (HTTP ${response.status})`,
              ko: `서버가 실습 네트워크의 토폴로지를 주지 못했습니다 (HTTP ${response.status})` };
        showTopologyError();
        return;
      }
      if (state.topoError) { state.topoError = null; showTopologyError(); }
      // Drawn again only when something in it changed.
      if (text === state.topoText) return;
      state.topoText = text;
      // A lab started again with other nodes (or another lab under the name) is laid out anew.
      const names = topo.nodes.map(n => n.name).sort().join(" ");
      const fresh = state.topo === null || names !== state.nodeNames;
      state.topo = topo;
      state.nodeNames = names;
      $("lab").textContent = "· " + topo.lab;
      if (fresh) { state.dragged = false; layout(); }
      draw();
      if (state.selectedLink !== null) updateLinkNow(state.selectedLink);
    }

    function showTopologyError() {
      const box = $("topo-error"), problem = state.topoError;
      box.hidden = !problem;
      box.textContent = problem ? (state.lang === "ko" ? problem.ko : problem.en) : "";
      showConn();
    }
    // What the page's stream is doing now: live, recording while paused, the lab not running,
    // cut off, or a saved trace; in the page's language.
    function showConn() {
      const c = $("conn");
      if (state.replay) { c.textContent = t("saved"); c.className = ""; return; }
      if (!state.socketOpen) {
        if (state.socketOpen === undefined) { c.textContent = ""; c.className = ""; return; }  // not yet connected
        c.textContent = "● " + (state.ended ? t("ended") : t("disconnected")); c.className = "down"; return;
      }
      if (state.topoError) { c.textContent = "● " + t("labStopped"); c.className = "down"; return; }
      if (!state.live) { c.textContent = "● " + t("recordingPaused"); c.className = "paused"; return; }
      c.textContent = "● " + t("connected"); c.className = "live";
    }

    // A simple force layout: springs along links, repulsion between nodes, fixed steps from a circle.
    function layout() {
      const nodes = state.topo.nodes, links = state.topo.links;
      const box = $("topo").getBoundingClientRect();
      const w = Math.max(box.width, 400), h = Math.max(box.height, 300);
      const n = nodes.length;
      nodes.forEach((node, i) => {
        const a = (2 * Math.PI * i) / Math.max(n, 1);
        state.pos[node.name] = { x: w / 2 + Math.cos(a) * w * 0.3, y: h / 2 + Math.sin(a) * h * 0.3 };
      });
      const ideal = Math.min(w, h) / Math.max(2, Math.sqrt(n) + 0.5) * 1.1;
      for (let step = 0; step < 400; step++) {
        const force = {};
        for (const node of nodes) force[node.name] = { x: 0, y: 0 };
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
          const p = state.pos[nodes[i].name], q = state.pos[nodes[j].name];
          let dx = p.x - q.x, dy = p.y - q.y, d2 = dx * dx + dy * dy + 0.01, d = Math.sqrt(d2);
          const f = (ideal * ideal) / d;
          force[nodes[i].name].x += dx / d * f; force[nodes[i].name].y += dy / d * f;
          force[nodes[j].name].x -= dx / d * f; force[nodes[j].name].y -= dy / d * f;
        }
        for (const link of links) {
          const p = state.pos[link.aNode], q = state.pos[link.bNode];
          if (!p || !q) continue;
          const dx = p.x - q.x, dy = p.y - q.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01;
          const f = (d * d) / ideal;
          force[link.aNode].x -= dx / d * f; force[link.aNode].y -= dy / d * f;
          force[link.bNode].x += dx / d * f; force[link.bNode].y += dy / d * f;
        }
        const temp = 30 * (1 - step / 400) + 1;
        for (const node of nodes) {
          const f = force[node.name], len = Math.sqrt(f.x * f.x + f.y * f.y) + 0.01;
          const p = state.pos[node.name];
          p.x = Math.min(w - 90, Math.max(90, p.x + f.x / len * Math.min(len, temp)));
          p.y = Math.min(h - 60, Math.max(60, p.y + f.y / len * Math.min(len, temp)));
        }
      }
      fitToCanvas(w, h);
    }

    // The laid-out drawing turned, scaled and moved to fill the canvas (w × h). Turned so that
    // its longest extent lies across the (wide) canvas, the topology's first node on the left;
    // then the outermost nodes' centres go as far out as leaves room for their boxes and
    // their interfaces' labels at the sides, and for the legend at the bottom. A small lab is
    // not stretched across a large window: the drawing grows only until its longest link is
    // MAX_LINK px long.
    const MAX_LINK = 320;
    function fitToCanvas(w, h) {
      const nodes = state.topo.nodes.filter(n => state.pos[n.name]);
      if (!nodes.length) return;
      const at = nodes.map(n => state.pos[n.name]);
      const mx = at.reduce((a, p) => a + p.x, 0) / at.length, my = at.reduce((a, p) => a + p.y, 0) / at.length;
      let sxx = 0, syy = 0, sxy = 0;
      for (const p of at) { sxx += (p.x - mx) ** 2; syy += (p.y - my) ** 2; sxy += (p.x - mx) * (p.y - my); }
      const turn = -0.5 * Math.atan2(2 * sxy, sxx - syy), cos = Math.cos(turn), sin = Math.sin(turn);
      for (const p of at) {
        const dx = p.x - mx, dy = p.y - my;
        p.x = mx + dx * cos - dy * sin;
        p.y = my + dx * sin + dy * cos;
      }
      if (at.length > 1 && at[0].x > mx + 1) for (const p of at) p.x = 2 * mx - p.x;
      const minX = Math.min(...at.map(p => p.x)), maxX = Math.max(...at.map(p => p.x));
      const minY = Math.min(...at.map(p => p.y)), maxY = Math.max(...at.map(p => p.y));
      const longestLabel = Math.max(0, ...nodes.flatMap(n => n.interfaces.map(i => i.name.length + 1 + (i.address || "").length)));
      const side = Math.max(Math.max(...nodes.map(nodeWidth)) / 2, longestLabel * 6.6 + 7) + 12;
      const top = 20 + 14 + 12, bottom = 20 + 14 + 40;
      const roomW = Math.max(0, w - 2 * side), roomH = Math.max(0, h - top - bottom);
      let longest = 0;
      for (const link of state.topo.links) {
        const p = state.pos[link.aNode], q = state.pos[link.bNode];
        if (p && q) longest = Math.max(longest, Math.hypot(p.x - q.x, p.y - q.y));
      }
      let scale = Math.min(maxX - minX > 1 ? roomW / (maxX - minX) : Infinity,
                           maxY - minY > 1 ? roomH / (maxY - minY) : Infinity,
                           longest > 1 ? Math.max(1, MAX_LINK / longest) : Infinity);
      if (!isFinite(scale)) scale = 1;
      const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
      for (const p of at) {
        p.x = w / 2 + (p.x - cx) * scale;
        p.y = top + roomH / 2 + (p.y - cy) * scale;
      }
    }

    // A direction's impairment settings and a node's kind in the page's language (the server
    // sends both languages' words: the glossary's Korean, the values as they are).
    function dirSettings(dir) { return state.lang === "ko" && dir.settingsKo ? dir.settingsKo : dir.settings; }
    function nodeKind(node) { return state.lang === "ko" && node.kindKo ? node.kindKo : node.kind; }
    // How many Latin letters' width `text` takes: a Hangul (or other wide) character takes two.
    function columns(text) { let n = 0; for (const c of text) n += /[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uff00-\uff60]/.test(c) ? 2 : 1; return n; }

    // A link's impairments for its badge: each impaired direction named by its nodes, on its
    // own line ("alice→r1 loss 30%", in Korean "alice→r1 손실 30%"), whichever way the link is
    // drawn. Settings too many for one line go on to the next, indented (BADGE_CHARS Latin
    // letters' width a line at most, but for a single setting longer than that).
    const BADGE_CHARS = 30;
    function linkSummary(link) {
      const lines = [];
      for (const [dir, from, to] of [[link.aToB, link.aNode, link.bNode], [link.bToA, link.bNode, link.aNode]]) {
        if (dir.perfect) continue;
        let line = { text: `${from}→${to}`, indent: 0 };
        dirSettings(dir).split(" · ").forEach((part, i) => {
          if (i > 0 && columns(line.text) + 3 + columns(part) > BADGE_CHARS) { lines.push(line); line = { text: part, indent: 10 }; }
          else line.text += (i > 0 ? " · " : " ") + part;
        });
        lines.push(line);
      }
      return lines;
    }

    // A link's badge: its impairments by direction, DOWN, and its drops.
    function badgeLines(link) {
      const lines = linkSummary(link);
      if (link.up === false) lines.unshift({ text: t("linkDown"), indent: 0 });
      const drops = state.dropsByLink[link.index] || 0;
      if (drops) lines.push({ text: "✗ " + drops, indent: 0 });
      return lines;
    }

    function draw() {
      const svg = $("topo");
      if (!$("marks")) { el("g", { id: "links" }, svg); el("g", { id: "nodes" }, svg); el("g", { id: "marks" }, svg); }
      const links = $("links"), nodes = $("nodes");
      links.innerHTML = ""; nodes.innerHTML = "";
      // What an interface's label must not cover: every node's box, and the labels placed before it.
      const occupied = state.topo.nodes.filter(n => state.pos[n.name])
        .map(n => ({ x: state.pos[n.name].x, y: state.pos[n.name].y, hw: nodeWidth(n) / 2, hh: 20 }));
      // …and every link's badge (estimated as it will be drawn: at the middle, below and right of it).
      for (const link of state.topo.links) {
        const p = state.pos[link.aNode], q = state.pos[link.bNode];
        if (!p || !q) continue;
        const words = badgeLines(link);
        if (!words.length) continue;
        const width = Math.max(...words.map(line => line.indent + columns(line.text) * 6.4)) + 8, height = words.length * 14 + 3;
        occupied.push({ x: (p.x + q.x) / 2 + 2 + width / 2, y: (p.y + q.y) / 2 + 3 + height / 2, hw: width / 2, hh: height / 2 });
      }
      // …and where a link's counts are marked: a dot of COUNT_RADIUS at its middle, larger than
      // a frame (only not touched: it is no word a label could be read as part of), and its
      // "×N" above and right of it (drawCounts).
      for (const link of state.topo.links) {
        const p = state.pos[link.aNode], q = state.pos[link.bNode];
        if (!p || !q) continue;
        const mx = (p.x + q.x) / 2, my = (p.y + q.y) / 2;
        occupied.push({ x: mx, y: my, hw: COUNT_RADIUS, hh: COUNT_RADIUS, apart: 0 });
        occupied.push({ x: mx + COUNT_TEXT.dx + COUNT_TEXT.hw, y: my + COUNT_TEXT.dy - 4, hw: COUNT_TEXT.hw, hh: 7 });
      }
      for (const link of state.topo.links) {
        const p = state.pos[link.aNode], q = state.pos[link.bNode];
        if (!p || !q) continue;
        const impaired = !link.aToB.perfect || !link.bToA.perfect;
        const g = el("g", { class: "link" + (impaired ? " impaired" : "") + (link.up === false ? " down" : "") + (state.selectedLink === link.index ? " sel" : ""),
                            "data-link": link.index, "data-name": link.name }, links);
        el("line", { class: "wire", x1: p.x, y1: p.y, x2: q.x, y2: q.y }, g);
        const hit = el("line", { class: "hit", x1: p.x, y1: p.y, x2: q.x, y2: q.y }, g);
        hit.addEventListener("click", () => showLinkForm(link.index));
        for (const [end, from, to, which] of [[link.a, p, q, "a"], [link.b, q, p, "b"]]) {
          const iface = end.split(":")[1];
          const node = state.topo.nodes.find(n => n.name === end.split(":")[0]);
          const info = node && node.interfaces.find(i => i.name === iface);
          // A switch's port has no address: its name alone.
          const words = iface + (info && info.address ? " " + info.address : "");
          // Placed as wide as it is drawn, measured where the browser can (estimated where it cannot).
          const label = el("text", { class: "iface", "text-anchor": "middle" }, g);
          label.textContent = words;
          const at = ifaceLabelCentre(from, to, nodeWidth(node) / 2, label.getComputedTextLength() || words.length * 6.6, occupied);
          occupied.push({ x: at.x, y: at.y, hw: at.hw, hh: at.hh });
          state.labelSides[link.index + which] = at.side;
          label.setAttribute("x", at.x);
          label.setAttribute("y", at.y + 4);
        }
        const mx = (p.x + q.x) / 2, my = (p.y + q.y) / 2;
        const lines = badgeLines(link);
        if (lines.length) {
          const b = el("g", { class: "badge" + (link.up === false ? " down" : ""), "data-link": link.index }, g);
          // Wide as its longest line, measured where the browser can (estimated where it cannot).
          const width = Math.max(...lines.map((line, i) => {
            const text = el("text", { x: mx + 6 + line.indent, y: my + 14 + i * 14 }, b);
            text.textContent = line.text;
            return line.indent + (text.getComputedTextLength() || columns(line.text) * 6.4);
          })) + 8;
          const r = el("rect", { x: mx + 2, y: my + 3, width, height: lines.length * 14 + 3 }, b);
          b.insertBefore(r, b.firstChild);
          b.addEventListener("click", () => showLinkForm(link.index));
        }
      }
      for (const node of state.topo.nodes) {
        const p = state.pos[node.name];
        const g = el("g", { class: "node " + node.kind + (node.remote ? " remote" : node.running ? "" : " down"), "data-name": node.name, transform: `translate(${p.x},${p.y})` }, nodes);
        if (node.remote) el("title", {}, g).textContent = node.name + " (" + node.remote + ")";
        const width = nodeWidth(node);
        el("rect", { x: -width / 2, y: -20, width, height: 40 }, g);
        const name = el("text", { class: "name", x: 0, y: -3, "text-anchor": "middle" }, g); name.textContent = node.name;
        const kind = el("text", { x: 0, y: 13, "text-anchor": "middle" }, g); kind.textContent = nodeKind(node);
        drag(g, node.name);
      }
    }

    function nodeWidth(node) {
      return node ? Math.max(70, ...[node.name, nodeKind(node)].map(l => columns(l) * 8 + 16)) : 70;
    }

    // Where an interface's label goes: beside its link, wholly on one side of the line, past
    // where the link leaves its node's box (half width nodeHalf, half height 20) and as near
    // it as it can be without touching the box; never past 45 % of the link. Of the line's two
    // sides, the one where it comes nearer. `width`: the label's, in px; its height is the
    // 11 px font's, estimated. `occupied`: boxes (centre, half width, half height) it must not
    // touch either, where it can; apart from each by a space's width (or by `apart` px).
    // The dots drawn on a link (a moving frame, a drop's mark: DOT_RADIUS, its outline within
    // DOT_CLEAR) lie on its line: a label DOT_CLEAR from the line stays clear of them, wherever
    // along the link they are. (The page's own chat frames are drawn larger, to stand out.)
    const DOT_RADIUS = 6, DOT_CLEAR = DOT_RADIUS + 1, COUNT_RADIUS = 10;
    // Where a count mark's "×N  ✗M" starts from its dot, and half its width (estimated, as "×123  ✗12").
    const COUNT_TEXT = { dx: 13, dy: -22, hw: 30 };
    function ifaceLabelCentre(from, to, nodeHalf, width, occupied = []) {
      const len = Math.hypot(to.x - from.x, to.y - from.y) || 1;
      const ux = (to.x - from.x) / len, uy = (to.y - from.y) / len;
      const halfW = width / 2 + 2, halfH = 7, gap = DOT_CLEAR;
      // Apart from other words by a space's width, so two labels never read as one.
      const free = (x, y) => occupied.every(r => Math.abs(x - r.x) >= halfW + r.hw + (r.apart ?? 8) || Math.abs(y - r.y) >= halfH + r.hh + 2);
      const exit = Math.min(Math.abs(ux) > 1e-6 ? nodeHalf / Math.abs(ux) : Infinity,
                            Math.abs(uy) > 1e-6 ? 20 / Math.abs(uy) : Infinity);
      // Beside the line first; where other words leave no room along the link, a line's height
      // further out, and so on; failing all, where it would stand alone.
      let fallback = null;
      for (const extra of [0, 14, 28, 42]) {
        let best = null;
        for (const side of [1, -1]) {
          const nx = -uy * side, ny = ux * side;
          const off = Math.abs(nx) * halfW + Math.abs(ny) * halfH + gap + extra;
          const clear = (d) => Math.abs(ux * d + nx * off) >= nodeHalf + halfW + gap
                            || Math.abs(uy * d + ny * off) >= 20 + halfH + gap;
          const at = (d) => ({ x: from.x + ux * d + nx * off, y: from.y + uy * d + ny * off });
          let d = Math.min(exit, len * 0.45);
          while (d < len * 0.45 && !clear(d)) d += 2;
          d = Math.min(d, len * 0.45);
          if (!fallback) fallback = { side, ...at(d), hw: halfW, hh: halfH };
          let e = d;
          while (e < len * 0.45 && !free(at(e).x, at(e).y)) e += 2;
          if (e <= len * 0.45 && free(at(e).x, at(e).y) && (!best || e < best.d)) best = { d: e, side, ...at(e), hw: halfW, hh: halfH };
        }
        if (best) return best;
      }
      return fallback;
    }

    function drag(g, name) {
      g.addEventListener("pointerdown", (down) => {
        g.setPointerCapture(down.pointerId);
        const start = { x: down.clientX, y: down.clientY }, origin = { ...state.pos[name] };
        const move = (e) => { state.pos[name] = { x: origin.x + e.clientX - start.x, y: origin.y + e.clientY - start.y }; state.dragged = true; draw(); };
        const up = () => { g.removeEventListener("pointermove", move); g.removeEventListener("pointerup", up); };
        g.addEventListener("pointermove", move);
        g.addEventListener("pointerup", up);
      });
    }

    function endPoints(linkIndex, toB) {
      const link = state.topo && state.topo.links[linkIndex];
      if (!link) return null;
      const a = state.pos[link.aNode], b = state.pos[link.bNode];
      return toB ? [a, b] : [b, a];
    }

    // ---- frames, drops and counts on the canvas ----
    // Moving frames share one loop: about 30 moves a second, enough to follow a frame. While the
    // lab is busy (its daemons count what they do not stream one by one, in the last second), no
    // single frame can be followed and the browser shares the CPUs with the lab: then at most
    // MAX_FLYING_BUSY frames move and the list takes new rows twice a second. Between moves the
    // loop sleeps (a timer, then one animation frame), so the page asks for no frames it does not draw.
    //
    // While busy, every change to the canvas and the list also waits for the next quarter of a
    // second (later()), so that they reach the screen together, in at most 4 frames a second:
    // the browser's cost is per frame it draws (nearly the same for one moved circle as for many
    // changes), and it runs on the CPUs the lab's daemons forward on.
    const BUSY_TICK = 250;
    function later(fn, ms) {
      if (!isBusy()) return setTimeout(fn, ms);
      // Not through requestAnimationFrame: its callbacks would come a frame after the tick's other changes.
      const now = performance.now(), due = Math.ceil((now + ms + 1) / BUSY_TICK) * BUSY_TICK;
      state.lastTickDue = due;
      return setTimeout(fn, due - now);
    }
    const flyingFrames = [];
    let flyLoopRunning = false;
    function placeFlying(frame, now) {
      const k = Math.min(1, (now - frame.start) / frame.duration), along = 0.1 + 0.8 * k;
      frame.c.setAttribute("cx", frame.ends[0].x + (frame.ends[1].x - frame.ends[0].x) * along);
      frame.c.setAttribute("cy", frame.ends[0].y + (frame.ends[1].y - frame.ends[0].y) * along);
      return k >= 1;
    }
    function isBusy() { return performance.now() - state.lastCountsAt < 1000; }
    function flyInterval() { return isBusy() || flyingFrames.length >= MAX_FLYING / 2 ? 100 : 33; }
    function flyLater() { later(() => isBusy() ? flyTick(performance.now()) : requestAnimationFrame(flyTick), flyInterval()); }
    function flyTick(now) {
      for (let i = flyingFrames.length - 1; i >= 0; i--) {
        const frame = flyingFrames[i];
        if (!placeFlying(frame, now)) continue;
        flyingFrames.splice(i, 1);
        state.flying--;
        later(() => frame.c.remove(), 400);
      }
      if (flyingFrames.length) flyLater();
      else flyLoopRunning = false;
    }
    function animate(ev, duration) {
      if (ev.link == null || !state.topo) return;
      if (!isBusy()) { draw1(ev, duration); return; }
      if (pendingDraws.push([ev, duration]) === 1) later(() => { for (const [e, d] of pendingDraws.splice(0)) draw1(e, d); }, 0);
    }
    const pendingDraws = [];
    function draw1(ev, duration) {
      const ends = endPoints(ev.link, ev.toB);
      if (!ends) return;
      const marks = $("marks");
      if (ev.kind === "sent") {
        // At most MAX_FLYING frames move at once; the rest are listed and counted per link, not drawn moving.
        if (state.flying >= (isBusy() ? MAX_FLYING_BUSY : MAX_FLYING) && !isMine(ev)) { state.notDrawn = (state.notDrawn || 0) + 1; return; }
        state.flying = (state.flying || 0) + 1;
        const c = el("circle", { class: "frame" + (ev.retransmit ? " retransmit" : "") + (isMine(ev) ? " mine" : ""), r: isMine(ev) ? 8 : DOT_RADIUS, fill: COLORS[ev.proto] || COLORS.other,
                                 "data-id": ev.id, "data-link": ev.link, "data-proto": ev.proto || "" }, marks);
        c.addEventListener("click", (e) => { e.stopPropagation(); select(ev.id); });
        const frame = { c, ends, start: performance.now(), duration };
        placeFlying(frame, frame.start);
        flyingFrames.push(frame);
        if (!flyLoopRunning) { flyLoopRunning = true; flyLater(); }
      } else if (ev.kind === "dropped") {
        const at = ev.node === state.topo.links[ev.link].aNode ? 0.3 : 0.7;
        const [p, q] = endPoints(ev.link, true);
        const x = p.x + (q.x - p.x) * at, y = p.y + (q.y - p.y) * at;
        const g = el("g", { class: "drop", "data-link": ev.link }, marks);
        // The reason goes on the side of the line away from the nearer interface's label.
        const words = "✗ " + ((state.lang === "ko" && ev.reasonKo) || ev.reason || t("dropped"));
        const len = Math.hypot(q.x - p.x, q.y - p.y) || 1, end = at < 0.5 ? "a" : "b";
        const sign = at < 0.5 ? 1 : -1, side = -(state.labelSides[ev.link + end] || 1);
        const nx = -(q.y - p.y) / len * sign * side, ny = (q.x - p.x) / len * sign * side;
        const off = Math.abs(nx) * (words.length * 3.6 + 2) + Math.abs(ny) * 7 + 9;
        const text = el("text", { x: x + nx * off, y: y + ny * off + 4, "text-anchor": "middle" }, g);
        text.textContent = words;
        el("circle", { cx: x, cy: y, r: DOT_RADIUS, fill: "#b00020" }, g);
        g.addEventListener("click", () => select(ev.id));
        later(() => g.remove(), 3000);
      }
    }

    // One count mark per link: a newer interval's counts replace the last ones rather than
    // being drawn over them.
    const countMarks = {};
    // While busy, the counts of one quarter second (several daemons' intervals) join in one mark per link.
    let pendingCounts = null;
    function showCounts(entry) {
      const perLink = pendingCounts || {};
      for (const c of entry.counts) {
        if (c.link == null) continue;
        const key = c.link;
        perLink[key] = perLink[key] || { n: 0, drops: 0, proto: {} };
        if (c.kind === "sent") { perLink[key].n += c.count; perLink[key].proto[c.proto] = (perLink[key].proto[c.proto] || 0) + c.count; }
        if (c.kind === "dropped") perLink[key].drops += c.count;
      }
      if (!isBusy()) { pendingCounts = null; drawCounts(perLink); return; }
      if (!pendingCounts) { pendingCounts = perLink; later(() => { const p = pendingCounts; pendingCounts = null; if (p) drawCounts(p); }, 0); }
    }
    function drawCounts(perLink) {
      const marks = $("marks");
      for (const key in perLink) {
        const ends = endPoints(+key, true);
        if (!ends) continue;
        const main = Object.entries(perLink[key].proto).sort((a, b) => b[1] - a[1])[0];
        const x = (ends[0].x + ends[1].x) / 2, y = (ends[0].y + ends[1].y) / 2;
        if (countMarks[key]) { clearTimeout(countMarks[key].timer); countMarks[key].g.remove(); }
        const g = el("g", { class: "count", "data-link": key }, marks);
        el("circle", { cx: x, cy: y, r: COUNT_RADIUS, fill: COLORS[main ? main[0] : "other"] || COLORS.other, opacity: 0.8 }, g);
        // Above and right of the dot, where no interface label lies (draw keeps them clear of it).
        const text = el("text", { x: x + COUNT_TEXT.dx, y: y + COUNT_TEXT.dy }, g);
        text.textContent = "×" + perLink[key].n + (perLink[key].drops ? "  ✗" + perLink[key].drops : "");
        const mark = { g, timer: later(() => { g.remove(); if (countMarks[key] === mark) delete countMarks[key]; }, 900) };
        countMarks[key] = mark;
      }
    }

    // ---- entries: the recorded stream, shown live or stepped through ----
    function record(entry) {
      state.entries.push(entry);
      state.eventCount = (state.eventCount || 0) + (entry.kind === "event" ? 1 : entry.kind === "counts" ? entry.total : 0);
      if (entry.kind === "event") {
        const ev = entry.ev;
        if (ev.kind === "sent" && ev.link != null) state.framesByLink[ev.link] = (state.framesByLink[ev.link] || 0) + 1;
        if (ev.kind === "dropped" && ev.link != null) state.dropsByLink[ev.link] = (state.dropsByLink[ev.link] || 0) + 1;
      } else if (entry.kind === "counts") {
        for (const c of entry.counts) if (c.link != null) {
          if (c.kind === "sent") state.framesByLink[c.link] = (state.framesByLink[c.link] || 0) + c.count;
          if (c.kind === "dropped") state.dropsByLink[c.link] = (state.dropsByLink[c.link] || 0) + c.count;
          state.countedByLink[c.link] = (state.countedByLink[c.link] || 0) + c.count;
        }
      }
      if (state.entries.length > MAX_ENTRIES) {
        const cut = state.entries.length - MAX_ENTRIES;
        state.entries.splice(0, cut);
        state.cursor = Math.max(-1, state.cursor - cut);
        state.trimmed = (state.trimmed || 0) + cut;
      }
      if (state.live) { state.cursor = state.entries.length - 1; display(entry, 700); addRow(entry, state.entries.length - 1); }
      else updatePosition();
    }

    function display(entry, duration) {
      if (entry.kind === "event") animate(entry.ev, duration);
      else if (entry.kind === "counts") showCounts(entry);
    }

    function entryText(entry) {
      if (entry.kind === "event") return evLine(entry.ev);
      if (entry.kind === "counts") return countsText(entry);
      if (entry.kind === "gap") return `… ${entry.missed} ${t("gap")}`;
      return entry.text || "";
    }

    // A counted interval, its counts grouped by link (by node for those on no link), the
    // same words on one link added up, whichever end and daemon counted them:
    // "Σ 8 events counted (4515.3–4614.3 ms) — alice:eth0-r1:eth0: forwarded ×2, icmp sent ×3 294 B; …".
    function countsText(entry) {
      const groups = new Map();
      for (const c of entry.counts) {
        const link = c.link != null && state.topo ? state.topo.links[c.link] : null;
        const where = link ? link.name : c.link != null ? `#${c.link}` : c.node;
        if (!groups.has(where)) groups.set(where, new Map());
        const words = countWords(c), same = groups.get(where).get(words);
        if (same) { same.count += c.count; same.bytes += c.bytes || 0; }
        else groups.get(where).set(words, { count: c.count, bytes: c.bytes || 0 });
      }
      return `Σ ${eventCount(entry.total)} ${t("counted")} (${entry.from.toFixed(1)}–${entry.to.toFixed(1)} ms) — `
        + [...groups].map(([where, counts]) => `${where}: `
          + [...counts].map(([words, n]) => `${words} ×${n.count}` + (n.bytes ? ` ${n.bytes} B` : "")).join(", ")).join("; ");
    }
    // What a count counted, before "×N": a router's or a switch's note by its word
    // ("forwarded"), an impairment by its action ("icmp delayed"), a TCP event by its name
    // ("tcp retransmit"); frames sent, received or dropped as "icmp sent",
    // "icmp dropped (injected loss)". In Korean, the glossary's words.
    const COUNT_KO = {
      kind: { sent: "보냄", received: "받음", dropped: "버려짐", impaired: "인위적 장애", note: "메모" },
      note: { forwarded: "전달", learned: "학습", flooded: "플러딩" },
      impaired: { delayed: "지연", reordered: "순서 바뀜", duplicated: "복제", corrupted: "손상", queued: "대기", held: "보류" },
    };
    function countWords(c) {
      const ko = state.lang === "ko";
      const kind = ko ? COUNT_KO.kind[c.kind] || c.kind : c.kind;
      let words;
      if (c.kind === "note" && c.reason) words = [ko ? COUNT_KO.note[c.reason] || c.reason : c.reason];
      else if (c.kind === "impaired" && c.reason) words = [c.proto, ko ? COUNT_KO.impaired[c.reason] || c.reason : c.reason];
      else if (c.kind === "transport") words = [c.proto || "tcp", c.reason || kind];
      else words = [c.proto, kind, c.reason ? `(${ko && c.reasonKo ? c.reasonKo : c.reason})` : null];
      return words.filter(Boolean).join(" ");
    }

    function makeRow(entry, index) {
      const row = document.createElement("div");
      row.className = "ev-row " + (entry.kind === "event" ? entry.ev.kind : entry.kind) + (entry.kind === "event" && entry.ev.hop === false ? " twin" : "");
      row.dataset.index = index;
      if (entry.kind === "event") {
        row.dataset.id = entry.ev.id;
        if (entry.ev.link != null) row.dataset.link = entry.ev.link;
        if (entry.ev.proto) row.dataset.proto = entry.ev.proto;
      }
      if (entry.kind === "event" && entry.ev.proto) row.style.borderLeftColor = COLORS[entry.ev.proto];
      row.textContent = rowText(entry);
      if (entry.kind === "event" && entry.ev.retransmit) row.classList.add("retransmit");
      if (entry.kind === "event" && isMine(entry.ev)) row.classList.add("mine");
      row.addEventListener("click", () => { if (entry.kind === "event") select(entry.ev.id); else showEntry(entry); });
      return row;
    }

    // Rows that arrive live join the list in one piece, with the event count: at most 10
    // times a second (twice while the lab is busy) (reading the list's scroll position forces a layout, so it is read once
    // a flush, not once an event).
    const pendingRows = [];
    let rowsFlushQueued = false, lastRowsFlush = 0;
    const BUSY_ROWS_PER_FLUSH = 10;
    function addRow(entry, index) {
      pendingRows.push([entry, index]);
      if (pendingRows.length > MAX_ROWS) pendingRows.splice(0, pendingRows.length - MAX_ROWS);
      if (rowsFlushQueued) return;
      rowsFlushQueued = true;
      const wait = Math.max(0, lastRowsFlush + (isBusy() ? 500 : 100) - performance.now());
      later(() => isBusy() ? flushRows(performance.now()) : requestAnimationFrame(flushRows), wait);
    }
    function flushRows(now) {
      rowsFlushQueued = false;
      lastRowsFlush = now;
      updatePosition();
      if (!pendingRows.length) return;
      const list = $("events"), box = list.parentElement;
      const stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 20;
      const fragment = document.createDocumentFragment();
      let taken = pendingRows.splice(0);
      const pendingCount = taken.length;
      // While busy the list takes the last few rows of each flush and says how many it left out;
      // they stay recorded (Pause and the steps show them all).
      // The page's own chat lines are always listed.
      if (isBusy() && taken.length > BUSY_ROWS_PER_FLUSH) {
        const from = taken.length - BUSY_ROWS_PER_FLUSH;
        taken = taken.filter(([entry], i) => i >= from || (entry.kind === "event" && isMine(entry.ev)));
        const left = pendingCount - taken.length;
        if (left > 0) {
          const note = document.createElement("div");
          note.className = "ev-row unlisted";
          note.textContent = state.lang === "ko" ? `… ${left}${t("unlisted")}` : `… ${left} ${t("unlisted")}`;
          fragment.appendChild(note);
        }
      }
      for (const [entry, index] of taken) fragment.appendChild(makeRow(entry, index));
      list.appendChild(fragment);
      while (list.children.length > MAX_ROWS) list.removeChild(list.firstChild);
      if (stick) box.scrollTop = box.scrollHeight;
    }

    function rowText(entry) {
      const ev = entry.kind === "event" ? entry.ev : null;
      return entryText(entry) + (ev && ev.retransmit && ev.kind === "sent" ? "  ↻ " + t("retransmit") + whyText(ev) : "")
        + (ev && isMine(ev) ? "  ✉ " + t("mine") : "");
    }

    // A frame found to carry a retransmission only after it was shown (the event naming it came later).
    // Why a frame was sent again, when its sender said so: " (RACK)", in the page's language.
    function whyText(ev) {
      const why = state.lang === "ko" && ev.whyKo ? ev.whyKo : ev.why;
      return why ? " (" + why + ")" : "";
    }
    function markRetransmits(ids, whys, whysKo) {
      const wanted = new Map(ids.map((id, i) => [id, i]));
      for (let i = state.entries.length - 1; i >= 0 && wanted.size; i--) {
        const e = state.entries[i];
        if (e.kind !== "event" || !wanted.has(e.ev.id)) continue;
        const at = wanted.get(e.ev.id);
        wanted.delete(e.ev.id);
        e.ev.retransmit = true;
        if (whys && whys[at]) e.ev.why = whys[at];
        if (whysKo && whysKo[at]) e.ev.whyKo = whysKo[at];
        // A row still waiting to be listed is made from the entry, which now says so.
        const row = document.querySelector(`#events .ev-row[data-id="${e.ev.id}"]`);
        if (row) { row.classList.add("retransmit"); row.textContent = rowText(e); }
      }
    }

    function rebuildRows() {
      const list = $("events");
      list.innerHTML = "";
      pendingRows.length = 0;
      const from = Math.max(0, state.cursor - MAX_ROWS + 1);
      const fragment = document.createDocumentFragment();
      for (let i = from; i <= state.cursor; i++) fragment.appendChild(makeRow(state.entries[i], i));
      list.appendChild(fragment);
      const rows = list.querySelectorAll(".ev-row");
      rows.forEach(r => r.classList.toggle("sel", +r.dataset.index === state.cursor && !state.live));
      list.parentElement.scrollTop = list.parentElement.scrollHeight;
    }

    function updatePosition() {
      const n = state.entries.length;
      $("position").textContent = state.live ? eventCount(state.eventCount || 0) : `${t("position")} ${state.cursor + 1} ${t("of")} ${n}`;
      $("back").disabled = state.live || state.cursor <= 0;
      $("forward").disabled = state.live || state.cursor >= n - 1;
      $("play").disabled = state.live;
      $("pause").classList.toggle("on", !state.live);
    }

    // ---- selection: a frame's layers and the hops of its packet ----
    function select(id) {
      const entry = state.entries.find(e => e.kind === "event" && e.ev.id === id);
      if (!entry) return;
      state.selected = id; state.selectedLink = null; state.connectionsOpen = false;
      for (const r of document.querySelectorAll(".ev-row")) r.classList.toggle("sel", r.dataset.id == id);
      showEntry(entry);
    }

    function showEntry(entry) {
      const panel = $("details");
      panel.innerHTML = "";
      const h = document.createElement("h3");
      // A frame's event is headed "Frame #N"; a note, a TCP event or a gap is an event, not a frame.
      const noun = entry.kind === "event" && entry.ev.proto ? t("frame") : t("event");
      h.textContent = entry.kind === "event" ? `${noun} #${entry.ev.id} · ${entry.ev.node}${entry.ev.iface ? ":" + entry.ev.iface : ""}` : t("counted");
      panel.appendChild(h);
      const line = document.createElement("pre"); line.className = "line"; line.textContent = entryText(entry);
      panel.appendChild(line);
      if (entry.kind === "event" && entry.ev.conn && (entry.ev.proto === "tcp" || entry.ev.proto === "http")) {
        const open = document.createElement("button"); open.id = "open-connection"; open.textContent = t("openConnection") + " ▸";
        open.addEventListener("click", () => showConnections(entry.ev.conn));
        panel.appendChild(open);
      }
      if (entry.kind === "event" && entry.ev.hasLayers && !entry.ev.layers) {
        // Live, the boxes are drawn by the server when a frame is opened, then kept with the event.
        fetchLayers(entry.ev).then(() => { if (state.selected === entry.ev.id) showEntry(entry); });
        return;
      }
      if (entry.kind === "event" && entry.ev.layersError) {
        const note = document.createElement("p"); note.className = "note";
        note.textContent = state.lang === "ko" && entry.ev.layersErrorKo ? entry.ev.layersErrorKo : entry.ev.layersError;
        panel.appendChild(note);
      }
      if (entry.kind === "event" && entry.ev.layers) {
        const h2 = document.createElement("h3"); h2.textContent = t("layers"); panel.appendChild(h2);
        const pre = document.createElement("pre"); pre.className = "layers"; pre.textContent = evLayers(entry.ev); panel.appendChild(pre);
        const hops = packetHops(entry.ev);
        if (hops.length) {
          const h3 = document.createElement("h3"); h3.textContent = t("hops"); panel.appendChild(h3);
          const list = document.createElement("pre"); list.className = "hops";
          // Kinds and reasons in the page's language, as the counted summaries say them.
          const ko = state.lang === "ko";
          const kind = e => ko ? COUNT_KO.kind[e.kind] || e.kind : e.kind;
          const reason = e => ko && e.reasonKo ? e.reasonKo : e.reason;
          list.textContent = hops.map(e => `${e.t.toFixed(3).padStart(9)} ms  ${e.node}:${e.iface || ""}  ${kind(e)}${e.reason ? " (" + reason(e) + ")" : ""}`).join("\n");
          panel.appendChild(list);
        }
      }
    }

    // The same IP packet (source, destination, protocol and ID in the IPv4 line) at every hop.
    async function fetchLayers(ev) {
      if (ev.layersPending) return ev.layersPending;
      ev.layersPending = fetch(`/api/layers?id=${ev.id}`).then(r => r.json()).then(answer => {
        if (answer.layers) { ev.layers = answer.layers; ev.layersKo = answer.layersKo; }
        else { ev.hasLayers = false; ev.layersError = answer.error; ev.layersErrorKo = answer.errorKo; }
      }).catch(error => {
        ev.hasLayers = false;
        ev.layersError = `could not ask the server for the layers: ${error}`;
        ev.layersErrorKo = `서버에 계층을 물어보지 못했습니다: ${error}`;
      });
      return ev.layersPending;
    }

    function packetHops(ev) {
      const m = ev.line.match(/IPv4 (\S+) > (\S+) ttl \d+ id (\d+)/);
      if (!m) return [];
      const key = `IPv4 ${m[1]} > ${m[2]}`, id = ` id ${m[3]}`;
      return state.entries.filter(e => e.kind === "event" && e.ev.line.includes(key) && e.ev.line.includes(id) && Math.abs(e.ev.t - ev.t) < 5000).map(e => e.ev);
    }

    // ---- the link form: same control path and checks as `rawnet impair` ----
    function linkNowText(link) {
      return `${link.a} → ${link.b}: ${dirSettings(link.aToB)}\n${link.b} → ${link.a}: ${dirSettings(link.bToA)}` + (link.up === false ? "\n" + t("linkDown") : "");
    }
    function updateLinkNow(index) {
      const now = $("details").querySelector("pre.now"), link = state.topo.links[index];
      if (now && link) now.textContent = linkNowText(link);
    }
    const FIELDS = ["loss", "delay", "jitter", "reorder", "duplicate", "corrupt", "rate"];
    function showLinkForm(index) {
      const link = state.topo.links[index];
      if (!link) return;
      state.selectedLink = index; state.selected = null; state.connectionsOpen = false;
      for (const g of document.querySelectorAll(".link")) g.classList.toggle("sel", +g.dataset.link === index);
      const panel = $("details");
      panel.innerHTML = "";
      const h = document.createElement("h3"); h.textContent = `${t("link")} ${link.name}`; panel.appendChild(h);
      const now = document.createElement("pre"); now.className = "now";
      now.textContent = linkNowText(link);
      panel.appendChild(now);
      const form = document.createElement("form"); form.id = "impair"; form.dataset.link = index;
      form.innerHTML = `<label>${t("direction")}</label><select name="direction">
          <option value="both">${t("both")}</option><option value="out">${link.aNode} → ${link.bNode}</option><option value="in">${link.bNode} → ${link.aNode}</option></select>
        <label>${t("loss")}</label><span><input type="range" name="lossSlider" min="0" max="100" value="0" style="width:55%"> <input type="text" name="loss" placeholder="${t("eg")} 30%" style="width:40%"></span>`
        + FIELDS.slice(1).map(f => `<label>${t(f)}</label><input type="text" name="${f}" placeholder="${t("eg")} ${{ delay: "50ms", jitter: "5ms", reorder: "10%", duplicate: "1%", corrupt: "1%", rate: "2mbit" }[f]}">`).join("")
        + `<div class="row"><button type="submit" name="apply">${t("apply")}</button><button type="button" name="clear">${t("clear")}</button>
           <button type="button" name="up">${t("up")}</button><button type="button" name="down">${t("down")}</button></div>`;
      panel.appendChild(form);
      form.lossSlider.addEventListener("input", () => { form.loss.value = form.lossSlider.value + "%"; });
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const settings = {};
        for (const f of FIELDS) if (form[f].value.trim() !== "") settings[f] = form[f].value.trim();
        send({ link: index, direction: form.direction.value, settings });
      });
      form.clear.addEventListener("click", () => send({ link: index, direction: form.direction.value, clear: true }));
      form.up.addEventListener("click", () => send({ link: index, state: "up" }));
      form.down.addEventListener("click", () => send({ link: index, state: "down" }));
    }

    async function send(body) {
      const form = $("impair");
      const response = await fetch("/api/impair", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const answer = await response.json();
      const note = document.createElement("div");
      note.className = answer.ok ? "ok" : "error";
      const ko = state.lang === "ko";
      note.textContent = answer.ok ? `${t("applied")}: ` + Object.entries((ko && answer.changedKo) || answer.changed || {}).map(([k, v]) => `${k}: ${v}`).join("; ")
        : (ko && answer.errorKo) || answer.error;
      if (form) { for (const old of form.querySelectorAll(".ok, .error")) old.remove(); form.appendChild(note); }
      await loadTopology();
    }

    // ---- TCP connections: the ladder and plot of `rawnet ladder` and `rawnet plot`, refreshed live ----
    // The list and the internals come first (cheap); the ladder and plot, drawn from up to
    // 20,000 events, follow when the server has them. One refresh at a time.
    async function showConnections(chosen) {
      const changed = (chosen || null) !== state.connection || !state.connectionsOpen;
      state.connectionsOpen = true; state.selected = null; state.selectedLink = null; state.connection = chosen || null;
      if (state.drawingConnection && !changed) return;
      state.drawingConnection = true;
      try {
        const names = await (await fetch("/api/connections")).json();
        if (!state.connectionsOpen) return;
        const wanted = state.connection;
        // Rebuilt for another connection, and in the other language after a switch.
        if (changed || !$("connection-view") || state.connectionLang !== state.lang) {
          state.connectionLang = state.lang;
          const panel = document.createElement("div");
          const h = document.createElement("h3"); h.textContent = t("connections"); panel.appendChild(h);
          if (!names.length) { const p = document.createElement("p"); p.className = "hint"; p.textContent = t("none"); panel.appendChild(p); }
          for (const name of names) {
            const b = document.createElement("button"); b.className = "conn-item"; b.textContent = name; b.dataset.key = name;
            b.addEventListener("click", () => showConnections(name));
            panel.appendChild(b);
          }
          if (wanted) {
            const hi = document.createElement("h3"); hi.textContent = `${t("internals")} · ${wanted}`; panel.appendChild(hi);
            const internals = document.createElement("div"); internals.id = "internals"; panel.appendChild(internals);
            if (state.internals && state.internals.name === wanted) renderInternals(state.internals, internals);
          }
          const view = document.createElement("div"); view.id = "connection-view"; panel.appendChild(view);
          $("details").replaceChildren(...panel.childNodes);
        }
        if (!wanted) return;
        const view = await (await fetch("/api/connection?key=" + encodeURIComponent(wanted))).json();
        const box = $("connection-view");
        if (!state.connectionsOpen || state.connection !== wanted || !box || !view.ladder) return;
        // Built aside, then swapped in at once: a live refresh never shows a half-drawn view.
        const part = document.createElement("div");
        const h2 = document.createElement("h3"); h2.textContent = `${t("ladder")} · ${view.name}`; part.appendChild(h2);
        const pre = document.createElement("pre"); pre.className = "ladder"; pre.textContent = view.ladder; part.appendChild(pre);
        const h3 = document.createElement("h3"); h3.textContent = t("plot"); part.appendChild(h3);
        const img = document.createElement("img"); img.className = "plot";
        if (state.plotURL) URL.revokeObjectURL(state.plotURL);
        state.plotURL = URL.createObjectURL(new Blob([view.plot], { type: "image/svg+xml" }));
        img.src = state.plotURL;
        part.appendChild(img);
        box.replaceChildren(...part.childNodes);
      } finally {
        state.drawingConnection = false;
      }
    }
    setInterval(() => { if (state.connectionsOpen && state.connection && state.live && !state.replay) showConnections(state.connection).catch(() => {}); }, 2000);

    // ---- live TCP internals of both ends, as `rawnet sockets -i` reads them ----
    // One column per end, one row per figure (narrow enough for the side panel).
    function renderInternals(answer, into) {
      const box = into || $("internals");
      if (!box) return;
      const ends = answer.ends;
      const row = (label, key, pick) => `<tr class="${key}"><th>${label}</th>` + ends.map(e => `<td data-node="${e.node}">${pick(e)}</td>`).join("") + "</tr>";
      box.dataset.conn = answer.name;
      box.innerHTML = ends.length ? `<table class="internals">`
        + `<tr><th>${t("end")}</th>` + ends.map(e => `<th>${e.node}<br>${e.local}</th>`).join("") + "</tr>"
        + row(t("state"), "state", e => e.shown.state || "")
        + ["cwnd", "ssthresh", "srtt", "rto"].map(k => row(k, k, e => e.shown[k] || "-")).join("")
        + row(t("retrans"), "retrans", e => `${e.fields.retrans || 0}<br><small>${state.lang === "ko" ? e.reasonsKo : e.reasons}</small>`)
        + row(t("sentBytes"), "sent", e => e.fields.bytes_sent || 0)
        + row(t("receivedBytes"), "received", e => e.fields.bytes_received || 0)
        + "</table>" : "";
      box.innerHTML += answer.missing.map(m => `<p class="hint gone">${t("gone")}: ${m}</p>`).join("");
    }
    setInterval(async () => {
      if (!state.connectionsOpen || !state.connection || state.replay || !$("internals")) return;
      try {
        const wanted = state.connection;
        const answer = await (await fetch("/api/internals?key=" + encodeURIComponent(wanted))).json();
        if (state.connection !== wanted) return;  // another connection was opened meanwhile
        state.internals = answer;
        state.internalsUpdates = (state.internalsUpdates || 0) + 1;
        renderInternals(answer);
      } catch (e) {}
    }, 500);

    // ---- chat: a member of a room on a lab host, through the host's socket library ----
    function isMine(ev) {
      const c = state.chat;
      // The page's member is one socket: its host's address and port, over its protocol (a UDP
      // socket on the same port number is another app's).
      if (!(c && c.local && ev.conn && ev.kind === "sent" && ev.conn.startsWith(c.local + ">") && ev.proto === c.params.proto)) return false;
      // A line travels in segments with data; a bare ACK of the room's lines is not one.
      const len = ev.line.match(/ len (\d+)/);
      return !(ev.proto === "tcp" && len && +len[1] === 0);
    }
    function showChat() {
      state.chatOpen = true;
      const box = $("chat");
      box.hidden = false;
      const hosts = state.topo ? state.topo.nodes.filter(n => n.kind === "host").map(n => n.name) : [];
      const c = state.chat;
      const joined = c && c.ws && c.ws.readyState <= 1;
      const p = (c && c.params) || { host: hosts[0] || "", room: hosts[hosts.length - 1] || "", port: "7000", proto: "tcp", name: "web" };
      box.innerHTML = `<h3>${t("chat")}</h3>` + (joined
        ? `<p class="hint">${p.name} · ${p.host} → ${p.room}:${p.port} ${p.proto.toUpperCase()}</p><div id="chat-log"></div>
           <form id="chat-send"><input type="text" name="line" autocomplete="off"><button type="submit" name="send">${t("send")}</button>
           <button type="button" name="leave">${t("leave")}</button></form>`
        : `<form id="chat-join"><label>${t("chatHost")}</label><select name="host">${hosts.map(h => `<option${h === p.host ? " selected" : ""}>${h}</option>`).join("")}</select>
           <label>${t("room")}</label><input type="text" name="room" value="${p.room}">
           <label>${t("port")}</label><input type="text" name="port" value="${p.port}">
           <label>TCP / UDP</label><select name="proto"><option value="tcp">TCP</option><option value="udp"${p.proto === "udp" ? " selected" : ""}>UDP</option></select>
           <label>${t("name")}</label><input type="text" name="name" value="${p.name}">
           <div class="row"><button type="submit" name="join">${t("join")}</button></div></form><div id="chat-log"></div>`);
      renderChatLog();
      const join = $("chat-join"), send = $("chat-send");
      if (join) join.addEventListener("submit", (e) => {
        e.preventDefault();
        joinChat({ host: join.host.value, room: join.room.value.trim(), port: join.port.value.trim(), proto: join.proto.value, name: join.name.value.trim() });
      });
      if (send) {
        send.addEventListener("submit", (e) => {
          e.preventDefault();
          const line = send.line.value;
          if (line.trim() === "" || !state.chat.ws) return;
          state.chat.ws.send(line);
          send.line.value = "";
        });
        send.leave.addEventListener("click", () => { if (state.chat.ws) state.chat.ws.close(); });
        send.line.focus();
      }
    }
    function renderChatLog() {
      const log = $("chat-log");
      if (!log || !state.chat) return;
      log.replaceChildren(...state.chat.lines.map(l => { const d = document.createElement("div"); d.className = "chat-" + l.type; d.textContent = chatText(l); return d; }));
      log.scrollTop = log.scrollHeight;
    }
    // A chat line in the page's language: notes come in both, what the room sent is the same in either.
    function chatText(l) { return state.lang === "ko" && l.textKo ? l.textKo : l.text; }
    function chatSay(type, text, textKo) {
      const c = state.chat;
      const l = { type, text, textKo };
      c.lines.push(l);
      if (c.lines.length > 500) c.lines.splice(0, c.lines.length - 500);
      const log = $("chat-log");
      if (log) { const d = document.createElement("div"); d.className = "chat-" + type; d.textContent = chatText(l); log.appendChild(d); log.scrollTop = log.scrollHeight; }
    }
    function joinChat(params) {
      if (state.chat && state.chat.ws) state.chat.ws.close();
      const ws = new WebSocket(`ws://${location.host}/chat?` + new URLSearchParams(params));
      state.chat = { ws, params, lines: [], local: null };
      ws.onopen = () => showChat();
      ws.onmessage = (m) => {
        const msg = JSON.parse(m.data);
        if (msg.type === "joined") { state.chat.local = msg.text; return; }
        const star = msg.type === "end" ? "* " : "";
        chatSay(msg.type, star + msg.text, msg.textKo && star + msg.textKo);
      };
      ws.onclose = () => { if (state.chat.ws === ws) { state.chat.ws = null; chatSay("end", "* " + T.en.chatLeft, "* " + T.ko.chatLeft); if (state.chatOpen) showChat(); } };
    }
    $("chat-button").addEventListener("click", () => {
      if (state.chatOpen) { state.chatOpen = false; $("chat").hidden = true; } else showChat();
    });

    // ---- how fast the page draws: events handled and frame times (performance.now) ----
    // events: drawn one by one; counted: handled inside counted intervals; lastMessageAt: when the last message came.
    const perf = { events: 0, counted: 0, frames: [], last: null, lastMessageAt: 0, watching: false };
    // Frame times are taken only while someone measures (`rawnetPerf.start()`): the loop asks
    // for every animation frame, which an unmeasured page should not pay for.
    perf.start = () => { if (!perf.watching) { perf.watching = true; requestAnimationFrame(perfFrame); } };
    perf.stop = () => { perf.watching = false; };
    window.rawnetPerf = perf;
    function perfFrame(now) {
      if (!perf.watching) { perf.last = null; return; }
      if (perf.last !== null) { perf.frames.push(now - perf.last); if (perf.frames.length > 2000) perf.frames.shift(); }
      perf.last = now;
      requestAnimationFrame(perfFrame);
    }
    $("connections").addEventListener("click", () => showConnections(null));

    // ---- simulation mode ----
    function setLive(live) {
      stopPlay();
      state.live = live;
      if (live) { state.cursor = state.entries.length - 1; rebuildRows(); }
      else { state.cursor = state.entries.length - 1; rebuildRows(); }
      translate();
    }
    function stepTo(index) {
      if (index < 0 || index >= state.entries.length) return;
      state.cursor = index;
      rebuildRows();
      const entry = state.entries[index];
      display(entry, 700 / +$("speed").value);
      if (entry.kind === "event") select(entry.ev.id); else showEntry(entry);
      updatePosition();
    }
    function stopPlay() { if (state.playing) clearTimeout(state.playing); state.playing = null; }
    function play() {
      if (state.playing) { stopPlay(); translate(); return; }
      const next = () => {
        if (state.cursor >= state.entries.length - 1) { stopPlay(); translate(); return; }
        const a = state.entries[state.cursor], b = state.entries[state.cursor + 1];
        const gap = (entryTime(b) - entryTime(a)) / +$("speed").value;
        state.playing = setTimeout(() => { stepTo(state.cursor + 1); next(); }, Math.min(2000, Math.max(60, gap)));
      };
      state.playing = 1; translate(); next();
    }
    function entryTime(entry) { return entry.kind === "event" ? entry.ev.t : (entry.from || 0); }

    // ---- the stream ----
    function connect() {
      const ws = new WebSocket(`ws://${location.host}/events`);
      // The server first sends what happened before the page opened, then {"type":"history_end"}:
      // counts in that history are not the lab being busy now.
      state.inHistory = true;
      ws.onopen = () => { state.socketOpen = true; showConn(); };
      ws.onclose = () => { state.socketOpen = false; showConn(); };
      ws.onmessage = (m) => {
        const msg = JSON.parse(m.data);
        perf.lastMessageAt = performance.now();
        if (msg.type === "events") for (const ev of msg.events) { if (ev.kind === "lost") state.gaps++; record({ kind: "event", ev }); perf.events++; }
        else if (msg.type === "retransmits") markRetransmits(msg.ids, msg.whys, msg.whysKo);
        else if (msg.type === "history_end") state.inHistory = false;
        else if (msg.type === "counts") { if (!state.inHistory) state.lastCountsAt = performance.now(); record({ kind: "counts", counts: msg.counts, total: msg.total, from: msg.from, to: msg.to }); perf.counted += msg.total; }
        else if (msg.type === "gap") { state.gaps++; record({ kind: "gap", missed: msg.missed }); }
        else if (msg.type === "ended") { state.ended = true; record({ kind: "note", text: "# " + t(state.replay ? "savedEnd" : "ended") }); }
        else if (msg.type === "replay") {
          state.replay = true; state.live = false; state.cursor = -1; rebuildRows(); translate();
          $("pause").disabled = true; showConn();
        }
      };
    }

    $("pause").addEventListener("click", () => { if (!state.replay) setLive(!state.live); });
    $("back").addEventListener("click", () => stepTo(state.cursor - 1));
    $("forward").addEventListener("click", () => stepTo(state.cursor + 1));
    $("play").addEventListener("click", play);
    $("lang").addEventListener("click", () => {
      state.lang = state.lang === "en" ? "ko" : "en";
      localStorage.setItem("rawnet-lang", state.lang);
      // An address that names the language follows the button, so reloading keeps the choice.
      const address = new URL(location.href);
      if (address.searchParams.has("lang")) { address.searchParams.set("lang", state.lang); history.replaceState(null, "", address); }
      translate();
    });
    // Laid out again for the new size, unless nodes were dragged (then kept where they were put).
    window.addEventListener("resize", () => { if (!state.topo) return; if (!state.dragged) layout(); draw(); });
    translate();
    loadTopology().then(connect);
    setInterval(() => { loadTopology().catch(() => {}); }, 3000);
    """#
}
