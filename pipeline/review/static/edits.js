// Structural edits of the cue list, as pure functions (the page applies and redraws them).

import { lines } from "./text.js";

const EDGE_MS = 50;  // a playhead this close to a cue's edge is not "inside" it

// Split `cue` in two. The text breaks at `caret` (a position in the text) when it is inside the
// text, else at the playhead's share of the cue; the time at the playhead when it is inside the
// cue, else at the caret's share of the text. The second part starts `gapMs` later (the minimum
// gap). Returns [first, second], or null when one side would have no text.
export function splitCue(cue, caret, playheadMs, gapMs) {
  const text = cue.text;
  const duration = cue.end_ms - cue.start_ms;
  const inside = playheadMs > cue.start_ms + EDGE_MS && playheadMs < cue.end_ms - EDGE_MS;
  let at = caret;
  let time;
  if (at === null || at <= 0 || at >= text.length) {
    time = inside ? playheadMs : cue.start_ms + Math.round(duration / 2);
    at = Math.round((text.length * (time - cue.start_ms)) / duration);
  } else {
    time = inside ? playheadMs : cue.start_ms + Math.round((duration * at) / text.length);
  }
  const first = text.slice(0, at).trim();
  const second = text.slice(at).trim();
  if (!first || !second) return null;
  return [
    { start_ms: cue.start_ms, end_ms: time, text: first },
    { start_ms: Math.min(time + gapMs, cue.end_ms - 1), end_ms: cue.end_ms, text: second },
  ];
}

// One cue from `a` and the cue after it: their lines stacked when they fit in `maxLines`, else
// joined on one line with a space (the Chinese subtitle convention for a pause inside a line).
export function mergeCues(a, b, maxLines) {
  const parts = [...lines(a.text), ...lines(b.text)];
  const text = parts.length <= maxLines ? parts.join("\n") : parts.join(" ");
  return { start_ms: a.start_ms, end_ms: Math.max(a.end_ms, b.end_ms), text };
}

// The cue list with cue i back as the draft had it. The draft cues it came from (same times, else
// overlapping it) come back, replacing it and any other pieces lying wholly inside them (the other
// half of a split). Returns {cues, at} (where the restored cues start), or null without a draft.
export function restoreFromDraft(cues, i, draft) {
  const cue = cues[i];
  const exact = draft.find((d) => d.start_ms === cue.start_ms && d.end_ms === cue.end_ms);
  const sources = exact ? [exact] : draft.filter((d) => d.start_ms < cue.end_ms && d.end_ms > cue.start_ms);
  if (!sources.length) return null;
  const from = sources[0].start_ms;
  const to = sources[sources.length - 1].end_ms;
  const replaced = (c, k) => k === i || (c.start_ms >= from && c.end_ms <= to);
  const at = cues.findIndex(replaced);
  const kept = cues.filter((c, k) => !replaced(c, k));
  const position = cues.slice(0, at).filter((c, k) => !replaced(c, k)).length;
  kept.splice(position, 0, ...sources.map((d) => ({ start_ms: d.start_ms, end_ms: d.end_ms, text: d.text })));
  return { cues: kept, at: position };
}
