// The clip selector: each interview clip with its original name, length, approval status and QC counts.

import { formatDuration } from "./text.js";

export const STATUS = { "not approved": "未批准", "approved": "已批准", "changed since approval": "批准后有改动" };
export const STATUS_CLASS = { "not approved": "pending", "approved": "approved", "changed since approval": "changed" };

function span(className, text) {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  return node;
}

export function drawClipList(list, clips, activeId, onPick) {
  list.replaceChildren();
  for (const clip of clips) {
    const item = document.createElement("li");
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = `clip${clip.clip_id === activeId ? " active" : ""}`;
    pick.dataset.clip = clip.clip_id;
    pick.title = clip.original_name;
    const counts = span("clip-counts", `${formatDuration(clip.duration_ms)} · ${clip.source === "none" ? "尚无字幕"
      : clip.problem ? "文件无法读取" : `错误 ${clip.errors} · 提示 ${clip.warnings}`}`);
    if (clip.errors || clip.problem) counts.classList.add("bad");
    if (clip.problem) counts.title = clip.problem;
    pick.append(
      span("clip-id", clip.clip_id),
      span(`status ${STATUS_CLASS[clip.status] || ""}`, STATUS[clip.status] || clip.status),
      span("clip-original muted", clip.original_name),
      counts,
    );
    pick.addEventListener("click", () => onPick(clip.clip_id));
    item.append(pick);
    list.append(item);
  }
}
