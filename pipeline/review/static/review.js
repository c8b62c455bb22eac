// The review page: pick a clip, watch it, correct its cues, save, approve.
// The page's state lives here. cues.js draws the cue list, clips.js the clip selector, player.js runs
// the video; edits.js (split, merge, restore) and text.js (times, marks, differences) are pure;
// api.js talks to the server.

import { api } from "./api.js";
import { drawClipList, STATUS, STATUS_CLASS } from "./clips.js";
import { CueList } from "./cues.js";
import { mergeCues, restoreFromDraft, splitCue } from "./edits.js";
import { Player } from "./player.js";
import { flagPlaces, parseTime, switchFlag } from "./text.js";

const APPROVER_KEY = "pipeline-review.approver";
const LINT_DELAY_MS = 250;

const $ = (id) => document.getElementById(id);
const video = $("video");

const state = {
  project: null,
  clips: [],
  clipId: null,
  version: "",
  source: "none",
  status: "",
  approval: null,
  cues: [],
  draft: [],
  findings: [],
  flags: [],  // machine corrections and low-confidence words from the transcript (server order: time)
  flagAt: -1,  // the flag last jumped to
  saved: "[]",  // the cues as last loaded or saved, to tell unsaved edits
  current: -1,  // the cue under the playhead
  selected: -1,  // the cue being worked on
  lintSeq: 0,
  lintTimer: null,
  undo: [],  // the cues before each split, merge, delete, restore or time mark (Alt+Z goes back one)
};

const cueList = new CueList($("cue-list"), {
  onSelect: selectCue,
  onText: (i, text) => {
    state.cues[i] = { ...state.cues[i], text };
    cueList.refresh(i, state.cues[i], context());
    edited();
  },
  onTime: (i, which, text) => {
    const ms = parseTime(text);
    if (ms === null) {
      say(`第 ${i + 1} 条的时间“${text}”看不懂：请写成 分:秒.毫秒，例如 01:02.500`, "error");
      return false;
    }
    state.cues[i] = { ...state.cues[i], [`${which}_ms`]: ms };
    cueList.refresh(i, state.cues[i], context());
    edited();
    return true;
  },
  onDelete: (i) => {
    if (!window.confirm(`删除第 ${i + 1} 条字幕？`)) return;
    remember(`删除第 ${i + 1} 条`, i);
    state.cues.splice(i, 1);
    restructured(Math.min(i, state.cues.length - 1));
  },
  onRestore: restoreDraft,
  onFlag: (i, index) => {
    const flag = state.flags[index];
    state.flagAt = index;
    if (flag && flag.kind === "corrected") switchFlagAt(i, index);
    else goToFlag(i, index);
  },
});

// ---- messages -----------------------------------------------------------------------------------

let messageTimer = null;

function say(text, kind = "info", { reload = false } = {}) {
  const box = $("message");
  $("message-text").textContent = text;
  box.className = `message ${kind}`;
  box.hidden = false;
  $("message-reload").hidden = !reload;
  clearTimeout(messageTimer);
  if (kind === "ok") messageTimer = setTimeout(() => { box.hidden = true; }, 4000);
}

function sayRefusal(result, fallback) {
  const data = result.data || {};
  const stale = result.status === 409 && data.reason === "stale";
  let text = data.error || fallback;
  if (data.detail && !stale && data.reason !== "errors") text += `（${data.detail}）`;
  say(text, "error", { reload: stale });
}

// ---- loading ------------------------------------------------------------------------------------

function context() {
  return {
    draft: state.draft,
    glossary: state.project ? state.project.glossary : null,
    findings: state.findings,
    flags: state.flags,
    flagAt: state.flagAt,
    current: state.current,
    selected: state.selected,
    emptyText: state.source === "none" ? "这个片段还没有字幕：请剪辑人员先运行转写（pipeline transcribe）" : "没有字幕",
  };
}

function snapshot() {
  return JSON.stringify(state.cues.map(({ start_ms, end_ms, text }) => ({ start_ms, end_ms, text })));
}

function dirty() {
  return snapshot() !== state.saved;
}

async function loadClips() {
  const result = await api.clips();
  if (!result.ok) return sayRefusal(result, "片段列表载入失败");
  state.clips = result.data.clips;
  drawClips();
}

function drawClips() {
  drawClipList($("clip-list"), state.clips, state.clipId, (clipId) => openClip(clipId));
}

async function openClip(clipId, { force = false } = {}) {
  if (!force && state.clipId && clipId !== state.clipId && dirty()
      && !window.confirm("当前片段有未保存的修改，放弃这些修改吗？")) return;
  const result = await api.clip(clipId);
  if (!result.ok) return sayRefusal(result, "片段载入失败");
  const data = result.data;
  state.clipId = clipId;
  state.version = data.version;
  state.source = data.source;
  state.status = data.status;
  state.approval = data.approval;
  state.cues = data.cues.map((c) => ({ ...c }));
  state.draft = data.draft;
  state.findings = data.findings;
  state.flags = data.flags || [];
  state.flagAt = -1;
  state.saved = snapshot();
  state.current = -1;
  state.selected = -1;
  state.undo = [];
  drawUndo();
  history.replaceState(null, "", `#${encodeURIComponent(clipId)}`);
  $("clip-name").textContent = `${data.clip_id} · ${data.original_name}`;
  drawClipInfo();
  drawClips();
  cueList.render(state.cues, context());
  drawCounts();
  player.show(clipId, data.proxy);
}

function drawClipInfo() {
  const status = $("clip-status");
  status.className = `status ${STATUS_CLASS[state.status] || ""}`;
  let text = STATUS[state.status] || state.status;
  if (state.approval && state.status !== "not approved") {
    const at = new Date(state.approval.at);
    const when = Number.isNaN(at.getTime()) ? state.approval.at : at.toLocaleString("zh-CN", { hour12: false });
    text += `（${state.approval.by}，${when}）`;
  }
  status.textContent = text;
  const file = state.source === "producer" ? `审校稿：${state.clipId}.srt`
    : state.source === "draft" ? "机器初稿（保存后生成审校稿，初稿保持不变）" : "还没有字幕：请先转写";
  $("clip-file").textContent = file;
}

function drawCounts() {
  const errors = state.findings.filter((f) => f.severity === "error").length;
  const warnings = state.findings.length - errors;
  const counts = $("clip-counts");
  counts.textContent = `错误 ${errors} · 提示 ${warnings}`;
  counts.classList.toggle("bad", errors > 0);
  const changed = document.querySelectorAll("#cue-list li.cue.changed").length;
  $("cue-summary").textContent = `共 ${state.cues.length} 条 · 与原稿相比改动 ${changed} 条${dirty() ? " · 有未保存的修改" : ""}`;
  const places = allFlagPlaces();
  const corrected = places.filter((p) => p.state === "corrected").length;
  const uncertain = places.filter((p) => p.state === "uncertain").length;
  $("flag-count").textContent = places.length ? `待查 ${corrected + uncertain} 处（机器更正 ${corrected}，把握不大 ${uncertain}）` : "没有待查的地方";
  $("next-flag").disabled = places.length === 0;
  const general = $("clip-findings");
  general.replaceChildren();
  for (const finding of state.findings.filter((f) => !f.cue)) {
    const item = document.createElement("li");
    item.className = `finding ${finding.severity}`;
    item.textContent = finding.label;
    general.append(item);
  }
}

// ---- video --------------------------------------------------------------------------------------

const player = new Player(video, $("video-state"), followPlayhead);

function cueAt(ms) {
  return state.cues.findIndex((c) => c.start_ms <= ms && ms < c.end_ms);
}

function followPlayhead() {
  const i = cueAt(player.playheadMs());
  const overlay = $("overlay");
  overlay.textContent = i >= 0 ? state.cues[i].text : "";
  overlay.hidden = i < 0;
  if (i === state.current) return;
  state.current = i;
  cueList.setCurrent(i);
  if (i >= 0 && cueList.focusedIndex() < 0) cueList.scrollTo(i);
}

// ---- editing ------------------------------------------------------------------------------------

function selectCue(i) {
  if (i < 0 || i >= state.cues.length) return;
  state.selected = i;
  cueList.setSelected(i);
  const cue = state.cues[i];
  const at = player.playheadMs();
  if (!(cue.start_ms <= at && at < cue.end_ms)) player.seek(cue.start_ms);
}

function workingIndex() {
  const focused = cueList.focusedIndex();
  if (focused >= 0) return focused;
  if (state.selected >= 0) return state.selected;
  return state.current;
}

function edited() {
  drawCounts();
  followPlayhead();
  clearTimeout(state.lintTimer);
  state.lintTimer = setTimeout(runLint, LINT_DELAY_MS);
}

// Split, merge, delete, restore: the rows change, so the list is drawn again.
function restructured(focusIndex, caret) {
  cueList.render(state.cues, context());
  state.current = -1;
  followPlayhead();
  if (focusIndex >= 0) {
    selectCue(focusIndex);
    cueList.focus(focusIndex, caret);
  }
  drawCounts();
  clearTimeout(state.lintTimer);
  runLint();
}

async function runLint() {
  const clipId = state.clipId;
  const seq = ++state.lintSeq;
  const result = await api.lint(clipId, state.cues.map(({ start_ms, end_ms, text }) => ({ start_ms, end_ms, text })));
  if (seq !== state.lintSeq || clipId !== state.clipId) return;  // a newer check is on its way
  if (!result.ok) return sayRefusal(result, "检查失败");
  state.findings = result.data.findings;
  cueList.showFindings(state.findings);
  drawCounts();
}

function splitCurrent() {
  const i = workingIndex();
  if (i < 0) return say("请先点选要拆分的字幕", "error");
  const parts = splitCue(state.cues[i], cueList.caret(i), player.playheadMs(), state.project.profile.min_gap_ms);
  if (!parts) return say("拆分位置两边都要有文字：把光标放在要断开的地方再按 Alt+S", "error");
  remember(`拆分第 ${i + 1} 条`, i);
  state.cues.splice(i, 1, ...parts);
  restructured(i + 1, 0);
}

function mergeCurrent() {
  const i = workingIndex();
  if (i < 0 || i + 1 >= state.cues.length) return say("请先点选要合并的字幕（与下一条合并）", "error");
  remember(`合并第 ${i + 1}、${i + 2} 条`, i);
  state.cues.splice(i, 2, mergeCues(state.cues[i], state.cues[i + 1], state.project.profile.max_lines));
  restructured(i);
}

function setEdge(which) {
  const i = workingIndex();
  if (i < 0) return say("请先点选字幕", "error");
  remember(`第 ${i + 1} 条的${which === "start" ? "开始" : "结束"}时间`, i);
  state.cues[i] = { ...state.cues[i], [`${which}_ms`]: player.playheadMs() };
  cueList.refresh(i, state.cues[i], context());
  edited();
}

function moveSelection(step) {
  const from = workingIndex();
  const to = from < 0 ? (step > 0 ? 0 : state.cues.length - 1) : from + step;
  if (to < 0 || to >= state.cues.length) return;
  selectCue(to);
  cueList.focus(to);
  player.seek(state.cues[to].start_ms);
}

function replayCue() {
  const i = workingIndex();
  if (i < 0) return;
  player.seek(state.cues[i].start_ms);
  player.play();
}

function restoreDraft(i) {
  const restored = restoreFromDraft(state.cues, i, state.draft);
  if (!restored) return;
  remember(`恢复第 ${i + 1} 条的原稿`, i);
  state.cues = restored.cues;
  restructured(restored.at);
}

// ---- flags: the machine's corrections and the words it was unsure of --------------------------------

function allFlagPlaces() {
  return state.cues.flatMap((cue, i) => flagPlaces(cue, state.flags).map((p) => ({ ...p, cue: i })));
}

function goToFlag(i, index) {
  const place = flagPlaces(state.cues[i], state.flags).find((p) => p.flag === index);
  if (!place) return;
  state.flagAt = index;
  state.selected = i;
  cueList.setSelected(i);
  cueList.refresh(i, state.cues[i], context());
  cueList.selectText(i, place.from, place.to);
  player.seek(state.flags[index].start_ms);
}

// Alt+N / Alt+P and the button: the next (previous) flagged place, in cue order, round the end.
function stepFlag(step) {
  const places = allFlagPlaces();
  if (!places.length) return say("这个片段没有待查的地方", "info");
  const at = places.findIndex((p) => p.flag === state.flagAt);
  const previous = at >= 0 ? places[at].cue : -1;
  const next = places[(at + step + places.length) % places.length] || places[0];
  goToFlag(next.cue, next.flag);
  if (previous >= 0 && previous !== next.cue) cueList.refresh(previous, state.cues[previous], context());
  const flag = state.flags[next.flag];
  const where = `第 ${places.indexOf(next) + 1} / ${places.length} 处`;
  say(next.state === "uncertain" ? `${where}：识别把握不大，请听一下`
    : next.state === "corrected" ? `${where}：机器把“${flag.original}”改成了“${flag.text}”（Alt+K 还原）`
      : `${where}：已还原为“${flag.original}”（Alt+K 改回“${flag.text}”）`, "info");
}

// Restore a machine correction to the recogniser's original, or correct it again.
function switchFlagAt(i, index) {
  const text = switchFlag(state.cues[i], state.flags, index);
  if (text === null) return;
  remember(`第 ${i + 1} 条的机器更正`, i);
  state.cues[i] = { ...state.cues[i], text };
  state.flagAt = index;
  cueList.refresh(i, state.cues[i], context());
  const place = flagPlaces(state.cues[i], state.flags).find((p) => p.flag === index);
  if (place) cueList.selectText(i, place.from, place.to);
  edited();
}

// Alt+K: the flag last jumped to, else the first correction in the cue being worked on.
function switchCurrentFlag() {
  const i = workingIndex();
  if (i < 0) return say("请先用 Alt+N 跳到一处机器更正", "error");
  const places = flagPlaces(state.cues[i], state.flags).filter((p) => p.state !== "uncertain");
  const place = places.find((p) => p.flag === state.flagAt) || places[0];
  if (!place) return say(`第 ${i + 1} 条没有机器更正`, "error");
  switchFlagAt(i, place.flag);
}

// Undo of the structural edits (typing in a box has the browser's own Ctrl+Z).
const UNDO_DEPTH = 100;

function remember(what, index) {
  state.undo.push({ what, index, cues: state.cues.map((c) => ({ ...c })) });
  if (state.undo.length > UNDO_DEPTH) state.undo.shift();
  drawUndo();
}

function undoLast() {
  const last = state.undo.pop();
  if (!last) return say("没有可以撤销的拆分、合并、删除或时间修改", "info");
  state.cues = last.cues;
  restructured(Math.min(last.index, state.cues.length - 1));
  drawUndo();
  say(`已撤销：${last.what}`, "ok");
}

function drawUndo() {
  const button = $("undo");
  button.disabled = state.undo.length === 0;
  button.title = state.undo.length ? `撤销：${state.undo[state.undo.length - 1].what}（Alt+Z）` : "没有可撤销的操作";
}

// ---- saving and approving -----------------------------------------------------------------------

function localProblem() {
  for (const [k, cue] of state.cues.entries()) {
    if (!cue.text.trim()) return `第 ${k + 1} 条没有文字：请填写，或删除这一条`;
    if (cue.end_ms <= cue.start_ms) return `第 ${k + 1} 条的结束时间不晚于开始时间：请改正时间`;
  }
  return state.cues.length ? "" : "没有任何字幕：至少保留一条再保存";
}

async function save() {
  if (!state.clipId) return false;
  if (!dirty() && state.source === "producer") {
    say("没有需要保存的修改", "ok");
    return true;
  }
  const problem = localProblem();
  if (problem) {
    say(`没有保存：${problem}`, "error");
    return false;
  }
  const sent = snapshot();
  const result = await api.save(state.clipId, state.version, JSON.parse(sent));
  if (!result.ok) {
    sayRefusal(result, "保存失败");
    return false;
  }
  state.version = result.data.version;
  state.status = result.data.status;
  state.source = "producer";
  state.saved = sent;
  drawClipInfo();
  drawCounts();
  await loadClips();
  say(state.status === "changed since approval" ? "已保存。注意：批准后又有改动，需要重新批准" : "已保存", "ok");
  return true;
}

async function approve() {
  if (!state.clipId) return;
  const name = $("approver").value.trim();
  if (!name) {
    say("请先在右上角填写审核人姓名", "error");
    $("approver").focus();
    return;
  }
  localStorage.setItem(APPROVER_KEY, name);
  if (dirty() && !(await save())) return;
  const result = await api.approve(state.clipId, state.version, name);
  if (!result.ok) {
    if (result.data && result.data.findings) {
      state.findings = result.data.findings;
      cueList.showFindings(state.findings);
      drawCounts();
    }
    return sayRefusal(result, "批准失败");
  }
  state.status = result.data.status;
  state.approval = result.data.approval;
  state.version = result.data.version;
  state.source = "producer";
  drawClipInfo();
  await loadClips();
  say(`已批准：${state.clipId}（审核人 ${name}）`, "ok");
}

// ---- keyboard -----------------------------------------------------------------------------------

function typing() {
  const el = document.activeElement;
  return Boolean(el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.tagName === "SELECT"
    || el.isContentEditable));
}

document.addEventListener("keydown", (event) => {
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl && !event.altKey && event.code === "KeyS") {
    event.preventDefault();
    save();
    return;
  }
  if (event.code === "Space" && !ctrl && event.target === video) return;  // the player's own key
  if (event.code === "Space" && (ctrl || (!event.altKey && !typing()))) {
    event.preventDefault();
    player.toggle();
    return;
  }
  if (!event.altKey || ctrl) return;
  const actions = {
    ArrowDown: () => moveSelection(1),
    ArrowUp: () => moveSelection(-1),
    KeyS: splitCurrent,
    KeyM: mergeCurrent,
    KeyZ: undoLast,
    KeyN: () => stepFlag(1),
    KeyP: () => stepFlag(-1),
    KeyK: switchCurrentFlag,
    KeyR: replayCue,
    BracketLeft: () => setEdge("start"),
    BracketRight: () => setEdge("end"),
  };
  const action = actions[event.code];
  if (action) {
    event.preventDefault();
    action();
  }
});

// ---- start --------------------------------------------------------------------------------------

function blurAfterClick(button, action) {
  button.addEventListener("click", () => {
    button.blur();  // so Space plays the video instead of pressing the button again
    action();
  });
}

blurAfterClick($("undo"), undoLast);
$("next-flag").addEventListener("click", () => stepFlag(1));
blurAfterClick($("save"), save);
blurAfterClick($("approve"), approve);
$("message-close").addEventListener("click", () => { $("message").hidden = true; });
$("message-reload").addEventListener("click", () => {
  $("message").hidden = true;
  if (state.clipId) openClip(state.clipId, { force: true });
});
$("approver").value = localStorage.getItem(APPROVER_KEY) || "";
$("approver").addEventListener("change", () => localStorage.setItem(APPROVER_KEY, $("approver").value.trim()));
window.addEventListener("beforeunload", (event) => {
  if (dirty()) {
    event.preventDefault();
    event.returnValue = "";
  }
});

async function start() {
  const project = await api.project();
  if (!project.ok) return sayRefusal(project, "项目载入失败");
  state.project = project.data;
  $("project-title").textContent = `${project.data.title}（${project.data.subject}）`;
  document.title = `字幕审校 · ${project.data.title}`;
  await loadClips();
  const wanted = decodeURIComponent(location.hash.slice(1));
  const first = state.clips.find((c) => c.clip_id === wanted) || state.clips[0];
  if (first) await openClip(first.clip_id);
  document.body.dataset.ready = "true";
}

start();
