// Pure helpers for cue text and times: formatting, parsing, glossary marks, differences from the draft.
// Nothing here touches the page; review.js and cues.js build the DOM (always with textContent).

export function formatTime(ms) {
  const sign = ms < 0 ? "-" : "";
  ms = Math.abs(Math.round(ms));
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  const rest = String(ms % 1000).padStart(3, "0");
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h ? `${sign}${h}:${mm}:${ss}.${rest}` : `${sign}${mm}:${ss}.${rest}`;
}

// "1:02.5", "01:02,500", "62.5", "0:01:02.500" -> milliseconds; null when it is not a time.
export function parseTime(text) {
  const match = /^\s*(?:(\d+):)?(?:(\d+):)?(\d+)(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!match) return null;
  let [, a, b, sec, frac] = match;
  const hours = b !== undefined ? Number(a) : 0;
  const minutes = b !== undefined ? Number(b) : a !== undefined ? Number(a) : 0;
  const seconds = Number(sec);
  if (seconds >= 60 && (a !== undefined)) return null;
  const ms = frac ? Number(frac.padEnd(3, "0")) : 0;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

export function formatDuration(ms) {
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

export function flat(text) {
  return text.replace(/\n/g, "");
}

export function lines(text) {
  return text.split("\n").map((l) => l.trim()).filter((l) => l);
}

// ---- marks: which characters of a cue's text to highlight, and how ------------------------------

function occurrences(text, needle) {
  const found = [];
  if (!needle) return found;
  let at = text.indexOf(needle);
  while (at >= 0) {
    found.push([at, at + needle.length]);
    at = text.indexOf(needle, at + 1);
  }
  return found;
}

// Per character, the set of classes to draw behind it: "term" (a glossary term), "wrong" (a wrong
// form the glossary corrects, unless it is part of the right form: 王建 inside 王建华), "added"
// (not in the draft), "flag-corrected" / "flag-restored" / "flag-uncertain" (see flagPlaces).
export function characterMarks(text, glossary, added, places) {
  const marks = Array.from({ length: text.length }, () => new Set());  // UTF-16 units, as indexOf counts
  const terms = glossary ? glossary.terms : [];
  for (const term of terms) {
    for (const [from, to] of occurrences(text, term)) {
      for (let i = from; i < to; i++) marks[i].add("term");
    }
  }
  for (const [wrong, right] of glossary ? glossary.wrong_forms : []) {
    const protectedRanges = occurrences(text, right);
    for (const [from, to] of occurrences(text, wrong)) {
      if (protectedRanges.some(([a, b]) => from < b && to > a)) continue;
      for (let i = from; i < to; i++) marks[i].add("wrong");
    }
  }
  if (added) {
    added.forEach((isAdded, i) => { if (isAdded) marks[i].add("added"); });
  }
  for (const place of places || []) {
    for (let i = place.from; i < place.to; i++) marks[i].add(`flag-${place.state}`);
  }
  return marks;
}

// Consecutive characters with the same classes, as [text, "class names"] runs.
export function runs(text, marks) {
  const chars = text.split("");
  const out = [];
  chars.forEach((ch, i) => {
    const cls = [...marks[i]].sort().join(" ");
    if (out.length && out[out.length - 1][1] === cls) out[out.length - 1][0] += ch;
    else out.push([ch, cls]);
  });
  return out;
}

// ---- differences from the draft ------------------------------------------------------------------

const MAX_DIFF_CELLS = 60000;

// Longest common subsequence of two character arrays: which characters of each side are kept.
function common(a, b) {
  const n = a.length, m = b.length;
  const keepA = new Array(n).fill(false), keepB = new Array(m).fill(false);
  if (n * m > MAX_DIFF_CELLS) return null;
  const table = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { keepA[i] = keepB[j] = true; i++; j++; }
    else if (table[i + 1][j] >= table[i][j + 1]) i++;
    else j++;
  }
  return [keepA, keepB];
}

// How a cue differs from the machine draft. The draft cues it is compared with are the one with the
// same times, else those overlapping it in time (after a split or merge), joined.
//   kind: "same" | "retimed" (same text, other times) | "edited" | "new" | "none" (no draft at all)
//   draftText, draftTimes: what the draft had; gone: per draft character, removed?; added: per
//   character of the cue's text, new?
export function compareWithDraft(cue, draft) {
  if (!draft.length) return { kind: "none" };
  const exact = draft.find((d) => d.start_ms === cue.start_ms && d.end_ms === cue.end_ms);
  const sources = exact ? [exact] : draft.filter((d) => d.start_ms < cue.end_ms && d.end_ms > cue.start_ms);
  if (!sources.length) {
    return { kind: "new", added: cue.text.split("").map((ch) => ch !== "\n") };
  }
  const draftText = sources.map((d) => flat(d.text)).join("");
  const draftTimes = [sources[0].start_ms, sources[sources.length - 1].end_ms];
  const sameText = exact ? exact.text === cue.text : draftText === flat(cue.text);
  if (sameText) {
    return { kind: exact ? "same" : "retimed", draftText, draftTimes };
  }
  const mine = cue.text.split("");
  const theirs = draftText.split("");
  const kept = common(theirs, mine.map((ch) => (ch === "\n" ? null : ch)));
  if (!kept) return { kind: "edited", draftText, draftTimes, gone: null, added: null };
  const [keptDraft, keptMine] = kept;
  return {
    kind: "edited",
    draftText,
    draftTimes,
    gone: keptDraft.map((k) => !k),
    added: keptMine.map((k, i) => !k && mine[i] !== "\n"),
  };
}

// ---- flags: machine corrections and low-confidence words ------------------------------------------

// Where the clip's flags stand in one cue: [{ flag, from, to, state }], state "corrected" (the
// machine's replacement is there), "restored" (the producer put the original back) or "uncertain"
// (a word the recogniser was unsure of). A flag counts in the cue shown while it was said, at the
// first place of its text not taken by an earlier flag.
export function flagPlaces(cue, flags) {
  const places = [];
  const taken = [];
  const free = (from, to) => !taken.some(([a, b]) => from < b && to > a);
  const find = (needle) => {
    for (const [from, to] of occurrences(cue.text, needle)) if (free(from, to)) return [from, to];
    return null;
  };
  (flags || []).forEach((flag, index) => {
    if (!(flag.start_ms < cue.end_ms && cue.start_ms < flag.end_ms)) return;
    let at = find(flag.text);
    let state = flag.kind === "corrected" ? "corrected" : "uncertain";
    if (!at && flag.kind === "corrected" && flag.original) {
      at = find(flag.original);
      state = "restored";
    }
    if (!at) return;
    taken.push(at);
    places.push({ flag: index, from: at[0], to: at[1], state });
  });
  return places.sort((a, b) => a.from - b.from);
}

// The cue's text with one flag switched: a correction restored to the original, or a restored one
// corrected again. Null when the flag is not in the cue or is not a correction.
export function switchFlag(cue, flags, index) {
  const place = flagPlaces(cue, flags).find((p) => p.flag === index);
  if (!place || place.state === "uncertain") return null;
  const flag = flags[index];
  const put = place.state === "corrected" ? flag.original : flag.text;
  return cue.text.slice(0, place.from) + put + cue.text.slice(place.to);
}
