// The grade-entry grid: keyboard-first editing, block paste from spreadsheets,
// fill down, undo/redo, batched autosave through PATCH /api/v1/sheets/{id}
// with conflict detection, per-cell errors, and no silent loss of unsaved work.
"use strict";
(function () {
  var table = document.getElementById("grid");
  if (!table) return;
  var sheetID = table.dataset.sheet;
  var version = parseInt(table.dataset.version, 10) || 0;
  var writable = table.dataset.write === "1";
  // Why typing does nothing on a read-only grid (locked, or someone else's).
  var readOnlyWhy = table.dataset.readonly || "Bảng điểm này chỉ để xem: không sửa được.";
  var kind = table.dataset.kind;
  var by = table.dataset.by;
  var stateEl = document.getElementById("save-state");
  var alertEl = document.getElementById("grid-alert");
  var wrap = document.getElementById("grid-wrap");
  var storeKey = "sdgdt.grid." + sheetID;

  // The model: rows × editable columns of <td> elements.
  var heads = Array.prototype.slice.call(table.tHead.querySelectorAll("th[data-f]")); // any header row (group headings above)
  var cols = heads.map(function (th) { return { field: th.dataset.f, type: th.dataset.t, label: th.textContent, lock: th.dataset.lock || "" }; });
  var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (tr) { return tr.dataset.p; });
  var cells = rows.map(function (tr) { return Array.prototype.slice.call(tr.querySelectorAll("td.c")); });
  var nR = rows.length, nC = cols.length;
  if (nR === 0) return;
  var rowOf = {};
  rows.forEach(function (tr, i) { rowOf[tr.dataset.p] = i; });
  var colOf = {};
  cols.forEach(function (c, j) {
    colOf[c.field] = j;
    if (c.lock) cells.forEach(function (row) { row[j].classList.add("lk"); row[j].title = c.lock; });
  });

  // ---- Values: stored text ↔ display, and validation (mirrors the server) ----
  function display(j, v) {
    if (!v) return "";
    var t = cols[j].type;
    if (t === "text" || t === "plevel" || t === "ptest") return v;
    if (v === "D") return "Đ";
    if (v === "CD") return "CĐ";
    return v.replace(".", ",");
  }
  var MSG_RANGE = "Điểm phải từ 0 đến 10.";
  var MSG_DEC = "Điểm chỉ có tối đa một chữ số thập phân (ví dụ 7,5); không làm tròn hộ.";
  var MSG_SCORED = "Môn đánh giá bằng điểm số: nhập điểm từ 0 đến 10 (hoặc P nếu vắng, chờ kiểm tra bù), không nhập Đ/CĐ.";
  var MSG_COMMENT = "Môn đánh giá bằng nhận xét: nhập Đ (Đạt) hoặc CĐ (Chưa đạt), hoặc P nếu vắng, chờ đánh giá bù.";
  // normalize returns {v: stored text} or {err: message}.
  function normalize(j, raw) {
    var s = (raw == null ? "" : String(raw)).replace(/\u00a0/g, " ").trim();
    var t = cols[j].type;
    if (t === "text") {
      s = s.replace(/[\s]+/g, " ");
      var max = cols[j].field === "exemption" ? 200 : 500;
      if (Array.from(s).length > max) return { err: "Tối đa " + max + " ký tự." };
      return { v: s };
    }
    if (s === "") return { v: "" };
    var u = s.toUpperCase();
    if (t === "qlevel") { // primary qualities and competencies
      if (u === "T" || u === "C") return { v: u };
      if (u === "D" || u === "Đ") return { v: "D" };
      return { err: "Mức năng lực, phẩm chất là T (Tốt), Đ (Đạt) hoặc C (Cần cố gắng)." };
    }
    if (t === "plevel") {
      if (u === "T" || u === "H" || u === "C") return { v: u };
      return { err: "Mức đạt được là T (Hoàn thành tốt), H (Hoàn thành) hoặc C (Chưa hoàn thành)." };
    }
    var m = /^(\d+)(?:[.,](\d+))?$/.exec(s);
    if (t === "ptest") {
      if (!m || (m[2] && /[1-9]/.test(m[2]))) return { err: "Điểm kiểm tra định kì ở tiểu học là số nguyên từ 0 đến 10, không có phần thập phân." };
      var k = parseInt(m[1], 10);
      if (k > 10) return { err: "Điểm kiểm tra phải từ 0 đến 10." };
      return { v: String(k) };
    }
    if (u === "P") return { v: "P" };
    if (u === "D" || u === "Đ") return by === "comment" ? { v: "D" } : { err: MSG_SCORED };
    if (u === "CD" || u === "CĐ") return by === "comment" ? { v: "CD" } : { err: MSG_SCORED };
    if (by === "comment") return { err: m ? MSG_COMMENT : "“" + s.slice(0, 20) + "” không hợp lệ. " + MSG_COMMENT };
    if (!m) return { err: "“" + s.slice(0, 20) + "” không phải là điểm. Nhập số từ 0 đến 10, ví dụ 7 hoặc 7,5 (hoặc P nếu vắng, chờ kiểm tra bù)." };
    var frac = (m[2] || "").replace(/0+$/, "");
    if (frac.length > 1) return { err: MSG_DEC };
    var ip = parseInt(m[1], 10);
    if (ip > 10 || (ip === 10 && frac !== "")) return { err: MSG_RANGE };
    return { v: String(ip) + (frac ? "." + frac : "") };
  }

  // ---- Cell state ----
  function val(i, j) { return cells[i][j].dataset.v || ""; }
  function key(i, j) { return rows[i].dataset.p + "|" + cols[j].field; }
  function setErr(td, msg) {
    if (msg) { td.classList.add("bad"); td.dataset.err = msg; td.title = msg; }
    else { td.classList.remove("bad"); delete td.dataset.err; td.removeAttribute("title"); }
    if (cells[ar] && td === cells[ar][ac]) showTip();
  }
  // write sets a cell's local value (already normalized or invalid raw text).
  function write(i, j, v, invalidMsg) {
    var td = cells[i][j];
    td.classList.remove("conflict");
    if (invalidMsg) {
      td.dataset.v = ""; td.dataset.raw = v; td.textContent = v; setErr(td, invalidMsg);
      delete pending[key(i, j)];
      td.classList.remove("dirty");
    } else {
      td.dataset.v = v; delete td.dataset.raw; td.textContent = display(j, v); setErr(td, "");
      pending[key(i, j)] = { i: i, j: j, v: v };
      td.classList.add("dirty");
    }
    markRow(i);
  }
  // markRow greys the averages of a row that changed until the server answers.
  function markRow(i) {
    rows[i].querySelectorAll("td.avg[data-avg]").forEach(function (td) { td.classList.add("wait"); });
  }

  // ---- Undo / redo: each action is a list of {i, j, before, after} ----
  var undo = [], redo = [];
  function cellSnapshot(i, j) { var td = cells[i][j]; return td.dataset.raw != null ? { raw: td.dataset.raw, err: td.dataset.err } : { v: val(i, j) }; }
  function apply(list, which) {
    list.forEach(function (c) {
      var s = c[which];
      if (s.raw != null) write(c.i, c.j, s.raw, s.err); else write(c.i, c.j, s.v);
    });
    scheduleSave();
  }
  function commit(changes) {
    // changes: [{i, j, raw}] typed or pasted values.
    var act = [], lockedWhy = "";
    changes.forEach(function (c) {
      if (cols[c.j].lock) { lockedWhy = cols[c.j].lock; return; } // a column locked alone: not written
      var before = cellSnapshot(c.i, c.j);
      var n = normalize(c.j, c.raw);
      var after = n.err ? { raw: String(c.raw), err: n.err } : { v: n.v };
      if (before.raw == null && after.raw == null && before.v === after.v) return;
      act.push({ i: c.i, j: c.j, before: before, after: after });
    });
    if (lockedWhy) flash(lockedWhy);
    if (!act.length) return;
    undo.push(act); redo = [];
    if (undo.length > 200) undo.shift();
    apply(act, "after");
    updateUndoButtons();
  }
  function doUndo() { var a = undo.pop(); if (!a) return; redo.push(a); apply(a.slice().reverse(), "before"); updateUndoButtons(); }
  function doRedo() { var a = redo.pop(); if (!a) return; undo.push(a); apply(a, "after"); updateUndoButtons(); }
  var btnUndo = document.getElementById("btn-undo"), btnRedo = document.getElementById("btn-redo");
  function updateUndoButtons() {
    if (btnUndo) btnUndo.disabled = !undo.length;
    if (btnRedo) btnRedo.disabled = !redo.length;
  }

  // ---- Selection and editing ----
  var ar = 0, ac = 0;        // active cell
  var sr = 0, sc = 0;        // selection anchor (range = anchor..active)
  var editor = null, editMode = "";  // "enter" (typing replaced) or "edit" (F2)
  function range() {
    return { r0: Math.min(sr, ar), r1: Math.max(sr, ar), c0: Math.min(sc, ac), c1: Math.max(sc, ac) };
  }
  function paintSelection() {
    table.querySelectorAll("td.sel, td.cur").forEach(function (td) { td.classList.remove("sel", "cur"); });
    var g = range();
    if (g.r0 !== g.r1 || g.c0 !== g.c1) {
      for (var i = g.r0; i <= g.r1; i++) for (var j = g.c0; j <= g.c1; j++) cells[i][j].classList.add("sel");
    }
    cells[ar][ac].classList.add("cur");
    rows.forEach(function (tr) { tr.classList.remove("cur-row"); });
    rows[ar].classList.add("cur-row");
    showTip();
  }
  function scrollIntoView(td) {
    var w = wrap.getBoundingClientRect(), r = td.getBoundingClientRect();
    var nameW = table.tHead.rows[0].querySelector("th.name").getBoundingClientRect().right - w.left;
    if (r.left < w.left + nameW) wrap.scrollLeft -= (w.left + nameW - r.left) + 4;
    else if (r.right > w.right) wrap.scrollLeft += r.right - w.right + 4;
    var headH = table.tHead.getBoundingClientRect().height;
    var top = r.top - headH - 8, bottom = r.bottom + 8;
    var vh = window.innerHeight;
    if (top < 0) window.scrollBy(0, top - 40);
    else if (bottom > vh) window.scrollBy(0, bottom - vh);
  }
  function go(i, j, extend) {
    i = Math.max(0, Math.min(nR - 1, i)); j = Math.max(0, Math.min(nC - 1, j));
    ar = i; ac = j;
    if (!extend) { sr = i; sc = j; }
    paintSelection();
    scrollIntoView(cells[i][j]);
  }
  var tip = document.createElement("div");
  tip.className = "cell-tip"; tip.setAttribute("role", "alert"); tip.hidden = true;
  document.body.appendChild(tip);
  function showTip() {
    var td = cells[ar] && cells[ar][ac];
    var msg = td && (td.dataset.err || td.dataset.conflict);
    if (!msg || editor) { tip.hidden = true; return; }
    tip.textContent = msg;
    tip.className = "cell-tip" + (td.dataset.err ? "" : " warn");
    tip.hidden = false;
    var r = td.getBoundingClientRect();
    tip.style.left = Math.max(4, Math.min(window.innerWidth - 300, r.left + window.scrollX)) + "px";
    tip.style.top = (r.bottom + window.scrollY + 4) + "px";
  }
  function openEditor(mode, initial) {
    if (!writable) return;
    if (cols[ac].lock) { flash(cols[ac].lock); return; }
    closeEditor(false);
    var td = cells[ar][ac];
    var r = td.getBoundingClientRect(), wr = wrap.getBoundingClientRect();
    editor = document.createElement("input");
    editor.className = "cell-editor";
    editor.setAttribute("aria-label", cols[ac].label + " — " + rows[ar].querySelector("th.name").textContent);
    editor.autocomplete = "off"; editor.spellcheck = cols[ac].type === "text";
    if (cols[ac].type === "mark" && by === "score" || cols[ac].type === "ptest") editor.setAttribute("inputmode", "decimal");
    editor.value = initial != null ? initial : (td.dataset.raw != null ? td.dataset.raw : display(ac, val(ar, ac)));
    // Keep a wide editor inside the table: one that sticks out past the last
    // column makes the wrapper scroll, and a scroll closes the editor.
    var edW = Math.max(r.width, cols[ac].type === "text" ? 260 : r.width);
    var edL = Math.min(r.left - wr.left + wrap.scrollLeft, Math.max(0, table.offsetWidth - edW));
    editor.style.left = edL + "px";
    editor.style.top = (r.top - wr.top + wrap.scrollTop) + "px";
    editor.style.width = edW + "px";
    editor.style.height = r.height + "px";
    wrap.appendChild(editor);
    editMode = mode;
    editor.focus();
    if (initial == null) editor.select(); else editor.setSelectionRange(editor.value.length, editor.value.length);
    tip.hidden = true;
    editor.addEventListener("keydown", editorKey);
    editor.addEventListener("blur", function () { if (editor) closeEditor(true); });
  }
  function closeEditor(save) {
    if (!editor) return;
    var ed = editor; editor = null;
    if (save) commit([{ i: ar, j: ac, raw: ed.value }]);
    ed.remove();
    table.focus({ preventScroll: true });
    showTip();
  }
  function editorKey(e) {
    var k = e.key;
    if (k === "Enter") { e.preventDefault(); closeEditor(true); go(ar + (e.shiftKey ? -1 : 1), ac); }
    else if (k === "Tab") { e.preventDefault(); closeEditor(true); move(e.shiftKey ? -1 : 1); }
    else if (k === "Escape") { e.preventDefault(); closeEditor(false); }
    else if (editMode === "enter" && (k === "ArrowUp" || k === "ArrowDown" || k === "ArrowLeft" || k === "ArrowRight")) {
      e.preventDefault(); closeEditor(true); arrow(k, false);
    }
    e.stopPropagation();
  }
  function move(d) { // Tab: right, wrapping to the next row
    var j = ac + d, i = ar;
    if (j >= nC) { j = 0; i++; } else if (j < 0) { j = nC - 1; i--; }
    if (i >= 0 && i < nR) go(i, j);
  }
  function arrow(k, extend) {
    if (k === "ArrowUp") go(ar - 1, ac, extend);
    else if (k === "ArrowDown") go(ar + 1, ac, extend);
    else if (k === "ArrowLeft") go(ar, ac - 1, extend);
    else if (k === "ArrowRight") go(ar, ac + 1, extend);
  }
  function clearSelection() {
    var g = range(), ch = [];
    for (var i = g.r0; i <= g.r1; i++) for (var j = g.c0; j <= g.c1; j++) ch.push({ i: i, j: j, raw: "" });
    commit(ch);
  }
  function fillDown() {
    var g = range(), ch = [];
    if (g.r0 === g.r1) { // a single row: copy from the row above
      if (g.r0 === 0) return;
      for (var j = g.c0; j <= g.c1; j++) ch.push({ i: g.r0, j: j, raw: rawOf(g.r0 - 1, j) });
    } else {
      for (var j2 = g.c0; j2 <= g.c1; j2++) for (var i = g.r0 + 1; i <= g.r1; i++) ch.push({ i: i, j: j2, raw: rawOf(g.r0, j2) });
    }
    commit(ch);
  }
  function rawOf(i, j) { var td = cells[i][j]; return td.dataset.raw != null ? td.dataset.raw : display(j, val(i, j)); }

  table.tabIndex = 0;
  table.addEventListener("keydown", function (e) {
    if (editor) return;
    var k = e.key, ctrl = e.ctrlKey || e.metaKey;
    if (k.indexOf("Arrow") === 0) { e.preventDefault(); arrow(k, e.shiftKey); return; }
    if (k === "Tab") { e.preventDefault(); move(e.shiftKey ? -1 : 1); return; }
    if (k === "Enter") { e.preventDefault(); if (e.shiftKey) go(ar - 1, ac); else go(ar + 1, ac); return; }
    if (k === "Home") { e.preventDefault(); go(ctrl ? 0 : ar, 0); return; }
    if (k === "End") { e.preventDefault(); go(ctrl ? nR - 1 : ar, nC - 1); return; }
    if (k === "PageDown") { e.preventDefault(); go(ar + 10, ac); return; }
    if (k === "PageUp") { e.preventDefault(); go(ar - 10, ac); return; }
    if (!writable) {
      if (!ctrl && (k.length === 1 || k === "Delete" || k === "Backspace" || k === "Enter" || k === "F2")) flash(readOnlyWhy);
      return;
    }
    if (ctrl && (k === "z" || k === "Z") && !e.shiftKey) { e.preventDefault(); doUndo(); return; }
    if (ctrl && (k === "y" || k === "Y" || ((k === "z" || k === "Z") && e.shiftKey))) { e.preventDefault(); doRedo(); return; }
    if (ctrl && (k === "d" || k === "D")) { e.preventDefault(); fillDown(); return; }
    if (k === "F2") { e.preventDefault(); openEditor("edit"); return; }
    if (k === "Delete" || k === "Backspace") { e.preventDefault(); clearSelection(); return; }
    // Typing replaces: the editor takes focus now, so the key's character
    // lands in it (as in spreadsheets; works with dead keys too).
    if (!ctrl && !e.altKey && k.length === 1) { openEditor("enter", ""); }
  });
  // Composition (Vietnamese IMEs such as Telex/Unikey) starts in the editor.
  table.addEventListener("compositionstart", function () { if (!editor && writable) openEditor("enter", ""); });

  table.addEventListener("mousedown", function (e) {
    var td = e.target.closest("td.c");
    if (!td) return;
    var i = rowOf[td.parentNode.dataset.p], j = cells[i].indexOf(td);
    if (editor) closeEditor(true);
    e.preventDefault();
    table.focus({ preventScroll: true });
    go(i, j, e.shiftKey);
  });
  table.addEventListener("dblclick", function (e) { if (e.target.closest("td.c")) openEditor("edit"); });
  // Phones: a tap on the active cell opens the editor.
  var lastTap = null;
  table.addEventListener("touchend", function (e) {
    var td = e.target.closest("td.c");
    if (!td) return;
    if (lastTap === td) { e.preventDefault(); openEditor("edit"); }
    lastTap = td;
  });

  // ---- Copy and paste (tab-separated, as Excel and Google Sheets copy) ----
  document.addEventListener("copy", function (e) {
    if (editor || document.activeElement !== table) return;
    var g = range(), lines = [];
    for (var i = g.r0; i <= g.r1; i++) {
      var line = [];
      for (var j = g.c0; j <= g.c1; j++) line.push(rawOf(i, j));
      lines.push(line.join("\t"));
    }
    e.clipboardData.setData("text/plain", lines.join("\n"));
    e.preventDefault();
  });
  document.addEventListener("paste", function (e) {
    if (editor || document.activeElement !== table || !writable) return;
    var text = (e.clipboardData || window.clipboardData).getData("text/plain");
    if (!text) return;
    e.preventDefault();
    pasteBlock(text);
  });
  function pasteBlock(text) {
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    var block = lines.map(function (l) { return l.split("\t"); });
    var g = range(), ch = [];
    // One value pasted on a selection fills the selection.
    if (block.length === 1 && block[0].length === 1 && (g.r0 !== g.r1 || g.c0 !== g.c1)) {
      for (var i = g.r0; i <= g.r1; i++) for (var j = g.c0; j <= g.c1; j++) ch.push({ i: i, j: j, raw: block[0][0] });
    } else {
      block.forEach(function (line, di) {
        line.forEach(function (v, dj) {
          var i = g.r0 + di, j = g.c0 + dj;
          if (i < nR && j < nC) ch.push({ i: i, j: j, raw: v });
        });
      });
      sr = g.r0; sc = g.c0;
      ar = Math.min(nR - 1, g.r0 + block.length - 1);
      ac = Math.min(nC - 1, g.c0 + Math.max.apply(null, block.map(function (l) { return l.length; })) - 1);
      paintSelection();
    }
    var cut = block.length + g.r0 > nR || block.some(function (l) { return l.length + g.c0 > nC; });
    commit(ch);
    if (cut) flash("Khối dán lớn hơn bảng: phần thừa đã bị bỏ qua.");
  }
  window.__gridPaste = pasteBlock; // for tests driving the grid without a clipboard

  // ---- Saving ----
  var pending = {};      // key → {i, j, v}: changes not yet sent
  var inflight = null;   // key → {i, j, v}: changes being sent
  var timer = null, retryDelay = 0, retryAt = 0, countdown = null, stopped = "";
  var savedAny = false;  // a save has succeeded since the page opened
  function setState(kind, text) {
    stateEl.className = "pill " + kind;
    stateEl.textContent = text;
    var retry = document.getElementById("btn-retry");
    if (retry) retry.hidden = kind !== "error";
  }
  function countPending() { return Object.keys(pending).length; }
  function refreshState() {
    if (stopped || !writable) return; // a read-only grid keeps the page's "Chỉ xem" / "Đã khóa"
    var bad = table.querySelectorAll("td.c.bad").length;
    if (inflight) setState("saving", "Đang lưu…");
    else if (retryAt) {
      var s = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
      setState("error", "Chưa lưu " + countPending() + " ô — thử lại sau " + s + " giây");
    } else if (countPending()) setState("saving", "Chờ lưu " + countPending() + " ô…");
    else if (bad && savedAny) setState("warn", "Đã lưu các ô hợp lệ · " + bad + " ô chưa hợp lệ, chưa lưu");
    else if (bad) setState("warn", bad + " ô chưa hợp lệ — chưa lưu");
    else setState("saved", "Đã lưu");
  }
  function scheduleSave() {
    backup();
    refreshState();
    if (timer || inflight || retryAt || stopped) return;
    timer = setTimeout(function () { timer = null; save(); }, 400);
  }
  function save() {
    if (inflight || stopped || !countPending()) { refreshState(); return; }
    inflight = pending; pending = {};
    var changes = Object.keys(inflight).map(function (k) {
      var c = inflight[k];
      return { pupil_id: rows[c.i].dataset.p, field: cols[c.j].field, value: c.v === "" ? null : c.v };
    });
    refreshState();
    fetch("/api/v1/sheets/" + sheetID, {
      method: "PATCH", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ version: version, changes: changes })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) { answered(res.status, body); });
    }, function () { failed("Không kết nối được máy chủ"); });
  }
  // requeue puts in-flight changes back unless newer edits replaced them.
  function requeue(skip) {
    Object.keys(inflight || {}).forEach(function (k) {
      if (!pending[k] && !(skip && skip[k])) pending[k] = inflight[k];
    });
    inflight = null;
  }
  function answered(status, body) {
    var sent = inflight;
    if (status === 200) {
      inflight = null; retryDelay = 0; retryAt = 0; savedAny = true;
      version = Math.max(version, body.version || 0);
      Object.keys(sent).forEach(function (k) {
        var c = sent[k];
        if (!pending[k]) cells[c.i][c.j].classList.remove("dirty");
      });
      (body.rows || []).forEach(updateRow);
      hideAlert();
      backup();
      if (countPending()) save(); else refreshState();
      return;
    }
    var err = body && body.error || {};
    if (status === 422 && err.fields) {
      var bad = {};
      Object.keys(err.fields).forEach(function (f) {
        var dot = f.indexOf("."), p = f.slice(0, dot), field = f.slice(dot + 1);
        var i = rowOf[p], j = colOf[field];
        if (i == null || j == null) return;
        var td = cells[i][j];
        bad[rows[i].dataset.p + "|" + field] = true;
        td.dataset.raw = display(j, td.dataset.v || ""); td.dataset.v = "";
        td.classList.remove("dirty");
        setErr(td, err.fields[f]);
      });
      requeue(bad);
      backup();
      if (countPending()) save(); else refreshState();
      return;
    }
    if (status === 409) { conflicted(body); return; }
    if (status === 401) { failed("Phiên đăng nhập đã hết hạn — hãy đăng nhập lại ở thẻ khác; dữ liệu chưa lưu vẫn được giữ ở đây", 10000); return; }
    if (status === 403 || status === 423 || status === 404) {
      requeue(); stopped = err.message || "Không được phép lưu.";
      setState("error", "Không lưu được");
      showAlert(stopped + " Các thay đổi chưa lưu vẫn được giữ trên trang (và trong trình duyệt này).");
      backup();
      return;
    }
    failed(err.message || ("Lỗi máy chủ (" + status + ")"));
  }
  function failed(why, delay) {
    requeue();
    retryDelay = delay || Math.min(30000, retryDelay ? retryDelay * 2 : 2000);
    retryAt = Date.now() + retryDelay;
    showAlert(why + ". Các thay đổi chưa mất: sẽ tự thử lại.");
    clearInterval(countdown);
    countdown = setInterval(function () {
      if (Date.now() >= retryAt) { clearInterval(countdown); retryAt = 0; save(); }
      refreshState();
    }, 500);
    refreshState();
    backup();
  }
  var retryBtn = document.getElementById("btn-retry");
  if (retryBtn) retryBtn.addEventListener("click", function () { clearInterval(countdown); retryAt = 0; save(); });

  // A 409: some cells were changed elsewhere since our version. Take the
  // current values of those, keep ours visible in the cell's message, and
  // re-send everything else at the new version.
  function conflicted(body) {
    var sent = inflight; inflight = null;
    var list = body.conflicts || (body.error && body.error.conflicts) || [];
    var lost = {};
    list.forEach(function (c) {
      var i = rowOf[c.pupil_id], j = colOf[c.field];
      if (i == null || j == null) return;
      var k = c.pupil_id + "|" + c.field;
      var mine = sent[k] ? sent[k].v : val(i, j);
      var theirs = c.value == null ? "" : String(c.value);
      var td = cells[i][j];
      td.dataset.v = theirs; td.textContent = display(j, theirs);
      td.classList.remove("dirty"); td.classList.add("conflict");
      td.dataset.conflict = "Ô này vừa được sửa ở nơi khác thành “" + (display(j, theirs) || "trống") + "”. Giá trị của bạn “" +
        (display(j, mine) || "trống") + "” CHƯA được lưu — nhập lại nếu muốn giữ.";
      lost[k] = true;
      if (pending[k] && pending[k].v === mine) delete pending[k];
    });
    Object.keys(sent).forEach(function (k) { if (!lost[k] && !pending[k]) pending[k] = sent[k]; });
    showAlert("Có " + list.length + " ô đã được thay đổi ở nơi khác (thiết bị hoặc người khác) sau khi bạn mở trang. Các ô đó được đánh dấu màu cam, hiện giá trị mới; giá trị của bạn chưa được lưu. Các ô khác vẫn được lưu bình thường.");
    // Fetch the sheet to learn the new version, then re-send the rest.
    fetch("/api/v1/sheets/" + sheetID, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        version = s.version;
        (s.rows || []).forEach(function (row) { updateRow(row, true); });
        backup();
        if (countPending()) save(); else refreshState();
      }, function () { failed("Không tải lại được bảng điểm"); });
    paintSelection();
  }

  // fmtAvg shows an average with its one decimal, as the circular writes it: 7,0.
  function fmtAvg(v) {
    if (typeof v === "number") return v.toFixed(1).replace(".", ",");
    return fmt(v);
  }
  function fmt(v) {
    if (v == null) return "";
    if (typeof v === "number") return String(v).replace(".", ",");
    if (v === "D") return "Đ";
    if (v === "CD") return "CĐ";
    return String(v);
  }
  // updateRow shows a row as the server has it: averages always; cell values
  // only with syncCells, and never over a local change not yet saved.
  function updateRow(row, syncCells) {
    var i = rowOf[row.pupil_id];
    if (i == null) return;
    var tr = rows[i];
    ["hk", "year"].forEach(function (w) {
      var td = tr.querySelector('td.avg[data-avg="' + w + '"]');
      if (!td) return;
      var v = w === "hk" ? row.average : row.year_average;
      td.textContent = v == null ? "—" : fmtAvg(v);
      td.classList.toggle("none", v == null);
      td.classList.remove("wait");
      if (v != null) { td.classList.remove("pop"); void td.offsetWidth; td.classList.add("pop"); }
    });
    var prev = tr.querySelector("td.avg.prev");
    if (prev && "hk1_average" in row) { prev.textContent = row.hk1_average == null ? "—" : fmtAvg(row.hk1_average); prev.classList.toggle("none", row.hk1_average == null); }
    if (!syncCells) return;
    cols.forEach(function (c, j) {
      var k = row.pupil_id + "|" + c.field;
      var td = cells[i][j];
      if (pending[k] || td.dataset.raw != null || td.classList.contains("conflict")) return;
      var v;
      var m = /^regular\[(\d+)\]$/.exec(c.field);
      v = m ? (row.regular || [])[+m[1]] : row[c.field];
      var s = v == null ? "" : String(v);
      if (s !== (td.dataset.v || "")) { td.dataset.v = s; td.textContent = display(j, s); }
    });
  }

  // ---- Never lose unsaved work silently ----
  // backup keeps in the browser what the server does not have yet: changes
  // not yet saved, and values refused as invalid (so that a reload brings them
  // back, marked, instead of losing them without a word).
  function backup() {
    try {
      var keys = Object.keys(pending).concat(Object.keys(inflight || {}));
      var bad = {}, nBad = 0;
      for (var i = 0; i < nR; i++) for (var j = 0; j < nC; j++) {
        var td = cells[i][j];
        if (td.dataset.raw != null && td.dataset.err) { bad[rows[i].dataset.p + "|" + cols[j].field] = td.dataset.raw; nBad++; }
      }
      if (!keys.length && !nBad) { localStorage.removeItem(storeKey); return; }
      var out = {};
      keys.forEach(function (k) { var c = pending[k] || inflight[k]; out[k] = c.v; });
      localStorage.setItem(storeKey, JSON.stringify({ version: version, at: Date.now(), cells: out, bad: bad }));
    } catch (e) { /* private mode: the unload warning still protects */ }
  }
  window.addEventListener("beforeunload", function (e) {
    if (countPending() || inflight || editor) { e.preventDefault(); e.returnValue = ""; return ""; }
  });
  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.cells || !writable) return;
    var n = 0, nBad = 0, ch = [];
    Object.keys(saved.cells).forEach(function (k) {
      var bar = k.indexOf("|"), i = rowOf[k.slice(0, bar)], j = colOf[k.slice(bar + 1)];
      if (i == null || j == null) return;
      if (val(i, j) === saved.cells[k]) return;
      ch.push({ i: i, j: j, raw: display(j, saved.cells[k]) });
      n++;
    });
    Object.keys(saved.bad || {}).forEach(function (k) {
      var bar = k.indexOf("|"), i = rowOf[k.slice(0, bar)], j = colOf[k.slice(bar + 1)];
      if (i == null || j == null) return;
      ch.push({ i: i, j: j, raw: saved.bad[k] });
      nBad++;
    });
    if (!n && !nBad) { localStorage.removeItem(storeKey); return; }
    var msg = [];
    if (n) msg.push("Khôi phục " + n + " thay đổi chưa kịp lưu từ lần mở trước; đang lưu lại. Dùng Hoàn tác (Ctrl+Z) nếu không muốn giữ.");
    if (nBad) msg.push(nBad + " ô đã nhập lần trước chưa hợp lệ nên chưa được lưu: chúng được đánh dấu đỏ — hãy sửa lại hoặc xóa.");
    showAlert(msg.join(" "), nBad ? "warn" : "info");
    commit(ch);
  }

  // ---- Alerts, history panel, help ----
  function showAlert(msg, kind) { alertEl.textContent = msg; alertEl.className = "notice " + (kind || "err"); alertEl.hidden = false; }
  function hideAlert() { if (!table.querySelector("td.conflict")) alertEl.hidden = true; }
  function flash(msg) { showAlert(msg, "warn"); setTimeout(hideAlert, 5000); }

  var hist = document.getElementById("hist"), histBody = document.getElementById("hist-body");
  function showHistory() {
    var p = rows[ar].dataset.p, f = cols[ac].field;
    hist.hidden = false;
    document.getElementById("hist-title").textContent = "Lịch sử: " + rows[ar].querySelector("th.name").textContent + " · " + cols[ac].label;
    histBody.textContent = "Đang tải…";
    fetch("/api/v1/sheets/" + sheetID + "/history?pupil_id=" + encodeURIComponent(p) + "&field=" + encodeURIComponent(f), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (list) {
        histBody.textContent = "";
        if (!Array.isArray(list) || !list.length) { histBody.textContent = "Ô này chưa có thay đổi nào."; return; }
        var ol = document.createElement("ol");
        list.forEach(function (h) {
          var li = document.createElement("li");
          var d = new Date(h.changed_at);
          li.innerHTML = "";
          var b = document.createElement("b"); b.textContent = (fmt(h.previous) || "trống") + " → " + (fmt(h.value) || "trống");
          var small = document.createElement("small");
          small.textContent = h.changed_by + " · " + d.toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh" }) + " · qua " + (h.via_name || "—") + (h.reason ? " · " + h.reason : "");
          li.appendChild(b); li.appendChild(document.createElement("br")); li.appendChild(small);
          ol.appendChild(li);
        });
        histBody.appendChild(ol);
      }, function () { histBody.textContent = "Không tải được lịch sử."; });
  }
  document.getElementById("btn-history").addEventListener("click", showHistory);
  document.getElementById("hist-close").addEventListener("click", function () { hist.hidden = true; table.focus(); });
  var help = document.getElementById("btn-help"), helpBox = document.getElementById("grid-help");
  help.addEventListener("click", function () { helpBox.hidden = !helpBox.hidden; help.setAttribute("aria-expanded", String(!helpBox.hidden)); });
  if (btnUndo) btnUndo.addEventListener("click", function () { doUndo(); table.focus(); });
  if (btnRedo) btnRedo.addEventListener("click", function () { doRedo(); table.focus(); });
  var fillBtn = document.getElementById("btn-fill");
  if (fillBtn) fillBtn.addEventListener("click", function () { fillDown(); table.focus(); });
  var up = document.getElementById("f-upload");
  if (up) up.addEventListener("change", function () { if (up.files.length) up.form.submit(); });

  window.addEventListener("resize", showTip);
  window.addEventListener("scroll", function () { if (!tip.hidden) showTip(); }, { passive: true });
  wrap.addEventListener("scroll", function () { if (!tip.hidden) showTip(); if (editor) closeEditor(true); }, { passive: true });

  table.dataset.ready = "1";
  paintSelection();
  table.focus({ preventScroll: true });
  restore();
  refreshState();
  window.__gridState = function () { return { version: version, pending: countPending(), inflight: !!inflight, state: stateEl.className }; };
})();
