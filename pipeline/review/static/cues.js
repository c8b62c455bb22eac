// The cue list: one row per cue with its times, its text (editable in place, glossary terms and
// changes from the draft drawn behind the text), the draft it came from, and its QC findings.
// All text goes into the page with textContent or input values, never as HTML.

import { characterMarks, compareWithDraft, flagPlaces, formatTime, runs } from "./text.js";

const SEVERITY = { error: "错误", warning: "提示" };

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, className, title) {
  const node = element("button", className, label);
  node.type = "button";
  if (title) node.title = title;
  return node;
}

export class CueList {
  // handlers: onSelect(i), onText(i, text), onTime(i, "start"|"end", text) -> bool,
  //           onDelete(i), onRestore(i), onFlag(i, flagIndex) (a flag's button clicked)
  constructor(list, handlers) {
    this.list = list;
    this.handlers = handlers;
    this.rows = [];
  }

  render(cues, context) {
    this.list.replaceChildren();
    this.rows = cues.map((cue, i) => this.buildRow(cue, i));
    this.rows.forEach((row) => this.list.append(row.root));
    if (!cues.length) this.list.append(element("li", "empty muted", context.emptyText || "没有字幕"));
    cues.forEach((cue, i) => this.refresh(i, cue, context));
    this.rows.forEach((row) => autosize(row.textarea));
    this.showFindings(context.findings);
    this.setCurrent(context.current);
    this.setSelected(context.selected);
  }

  buildRow(cue, i) {
    const root = element("li", "cue");
    root.dataset.index = String(i);
    const head = element("div", "cue-head");
    const number = element("span", "num", String(i + 1));
    const start = element("input", "time start");
    const end = element("input", "time end");
    for (const input of [start, end]) {
      input.type = "text";
      input.inputMode = "decimal";
      input.spellcheck = false;
      input.autocomplete = "off";
    }
    start.title = "开始时间（分:秒.毫秒）";
    end.title = "结束时间（分:秒.毫秒）";
    const duration = element("span", "duration muted");
    const badge = element("span", "badge");
    const remove = button("删除", "link danger", "删除这一条字幕");
    head.append(number, start, element("span", "dash", "–"), end, duration, badge, remove);

    const editor = element("div", "editor");
    const backdrop = element("div", "backdrop");
    backdrop.setAttribute("aria-hidden", "true");
    const textarea = element("textarea", "text");
    textarea.rows = 1;
    textarea.spellcheck = false;
    textarea.setAttribute("aria-label", `第 ${i + 1} 条字幕文字`);
    editor.append(backdrop, textarea);

    const draft = element("div", "draft");
    const flags = element("div", "flags");
    const findings = element("ul", "findings");
    root.append(head, editor, flags, draft, findings);

    const index = () => Number(root.dataset.index);
    root.addEventListener("click", (event) => {
      if (event.target.closest("button")) return;
      this.handlers.onSelect(index());
    });
    textarea.addEventListener("focus", () => this.handlers.onSelect(index()));
    textarea.addEventListener("input", () => {
      autosize(textarea);
      this.handlers.onText(index(), textarea.value);
    });
    for (const [input, which] of [[start, "start"], [end, "end"]]) {
      input.addEventListener("change", () => {
        const accepted = this.handlers.onTime(index(), which, input.value);
        input.classList.toggle("invalid", !accepted);
      });
    }
    remove.addEventListener("click", () => this.handlers.onDelete(index()));
    return { root, number, start, end, duration, badge, backdrop, textarea, flags, draft, findings };
  }

  // Redraw everything about row i except what the producer is typing into.
  refresh(i, cue, context) {
    const row = this.rows[i];
    if (!row) return;
    if (row.textarea.value !== cue.text) {
      row.textarea.value = cue.text;
      autosize(row.textarea);
    }
    if (document.activeElement !== row.start) row.start.value = formatTime(cue.start_ms);
    if (document.activeElement !== row.end) row.end.value = formatTime(cue.end_ms);
    row.start.classList.remove("invalid");
    row.end.classList.remove("invalid");
    row.duration.textContent = `${((cue.end_ms - cue.start_ms) / 1000).toFixed(2)} 秒`;

    const difference = compareWithDraft(cue, context.draft);
    const places = flagPlaces(cue, context.flags);
    const marks = characterMarks(cue.text, context.glossary, difference.added, places);
    row.backdrop.replaceChildren(...runs(cue.text, marks).map(([text, cls]) => element("span", cls, text)));
    row.backdrop.append(document.createTextNode("\n"));  // a trailing newline in a textarea takes a line

    this.drawFlags(row, places, context);

    const labels = { edited: "已修改", retimed: "时间已改", new: "新增" };
    row.badge.textContent = labels[difference.kind] || "";
    row.badge.className = `badge ${labels[difference.kind] ? difference.kind : ""}`;
    row.root.classList.toggle("changed", Boolean(labels[difference.kind]));
    row.draft.replaceChildren();
    if (difference.kind === "edited" || difference.kind === "retimed") {
      row.draft.append(element("span", "draft-label", "原稿："));
      if (difference.kind === "edited") {
        const text = element("span", "draft-text");
        if (difference.gone) {
          const chars = difference.draftText.split("");
          const gone = chars.map((_, k) => (difference.gone[k] ? new Set(["gone"]) : new Set()));
          text.append(...runs(difference.draftText, gone).map(([t, cls]) => element("span", cls, t)));
        } else {
          text.textContent = difference.draftText;
        }
        row.draft.append(text);
      }
      const [from, to] = difference.draftTimes;
      row.draft.append(element("span", "draft-times muted", ` ${formatTime(from)} – ${formatTime(to)}`));
      const restore = button("还原", "link", "恢复为原稿的文字和时间");
      restore.addEventListener("click", () => this.handlers.onRestore(Number(row.root.dataset.index)));
      row.draft.append(restore);
    }
  }

  // One button per flagged place: a correction shows the original on hover and restores it on a
  // click (a restored one can be corrected again); a low-confidence word jumps to where it is said.
  drawFlags(row, places, context) {
    row.flags.replaceChildren();
    const corrections = places.filter((p) => p.state === "corrected").map((p) => context.flags[p.flag]);
    row.textarea.title = corrections.map((f) => `机器更正：“${f.text}”原为“${f.original}”`).join("\n");
    for (const place of places) {
      const flag = context.flags[place.flag];
      let label, title;
      if (place.state === "corrected") {
        label = `${flag.text} ⟲`;
        title = `机器更正：原为“${flag.original}”。点击还原为原文（Alt+K）`;
      } else if (place.state === "restored") {
        label = `已还原“${flag.original}”`;
        title = `点击改回机器更正的“${flag.text}”（Alt+K）`;
      } else {
        label = `${flag.text}？`;
        title = `识别把握不大（${Math.round(flag.score * 100)}%）：请听一下这里`;
      }
      const chip = button(label, `flag ${place.state}${context.flagAt === place.flag ? " current" : ""}`, title);
      chip.dataset.flag = String(place.flag);
      chip.dataset.original = flag.original || "";
      chip.addEventListener("click", () => this.handlers.onFlag(Number(row.root.dataset.index), place.flag));
      row.flags.append(chip);
    }
  }

  showFindings(findings) {
    const byCue = new Map();
    for (const finding of findings) {
      if (!finding.cue) continue;
      if (!byCue.has(finding.cue)) byCue.set(finding.cue, []);
      byCue.get(finding.cue).push(finding);
    }
    this.rows.forEach((row, i) => {
      const mine = byCue.get(i + 1) || [];
      const seen = new Set();
      row.findings.replaceChildren();
      for (const finding of mine) {
        const key = `${finding.severity}:${finding.label}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const item = element("li", `finding ${finding.severity}`, `${SEVERITY[finding.severity] || finding.severity}：${finding.label}`);
        item.title = finding.message;
        item.dataset.rule = finding.rule;
        row.findings.append(item);
      }
      row.root.classList.toggle("has-error", mine.some((f) => f.severity === "error"));
      row.root.classList.toggle("has-warning", mine.some((f) => f.severity === "warning"));
    });
  }

  setCurrent(i) {
    this.rows.forEach((row, k) => row.root.classList.toggle("current", k === i));
  }

  setSelected(i) {
    this.rows.forEach((row, k) => row.root.classList.toggle("selected", k === i));
  }

  scrollTo(i) {
    const row = this.rows[i];
    if (row) row.root.scrollIntoView({ block: "nearest" });
  }

  focus(i, caret) {
    const row = this.rows[i];
    if (!row) return;
    row.textarea.focus({ preventScroll: true });
    const at = caret === undefined ? row.textarea.value.length : caret;
    row.textarea.setSelectionRange(at, at);
    row.root.scrollIntoView({ block: "nearest" });
  }

  // Focus row i's text with characters from..to selected (a flagged place).
  selectText(i, from, to) {
    const row = this.rows[i];
    if (!row) return;
    row.textarea.focus({ preventScroll: true });
    row.textarea.setSelectionRange(from, to);
    row.root.scrollIntoView({ block: "nearest" });
  }

  // The caret position when row i's text has the focus, else null.
  caret(i) {
    const row = this.rows[i];
    if (!row || document.activeElement !== row.textarea) return null;
    return row.textarea.selectionStart;
  }

  // The row whose text or time the producer is in, or -1.
  focusedIndex() {
    const row = document.activeElement && document.activeElement.closest && document.activeElement.closest("li.cue");
    return row && this.list.contains(row) ? Number(row.dataset.index) : -1;
  }
}

function autosize(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = `${textarea.scrollHeight}px`;
}
