// The video player: the clip's proxy (waiting while the server makes it), play/pause, seeking, and
// telling the page which cue is under the playhead while it plays.

import { api } from "./api.js";

export class Player {
  // onTime(ms) is called whenever the playhead may have moved (playing, seeking).
  constructor(video, waitBox, onTime) {
    this.video = video;
    this.waitBox = waitBox;
    this.onTime = onTime;
    this.clipId = null;
    this.timer = null;
    const follow = () => {
      this.onTime(this.playheadMs());
      if (!video.paused && !video.ended) requestAnimationFrame(follow);
    };
    video.addEventListener("play", () => requestAnimationFrame(follow));
    video.addEventListener("timeupdate", () => this.onTime(this.playheadMs()));
    video.addEventListener("seeked", () => this.onTime(this.playheadMs()));
  }

  // Show clip `clipId`; `proxy` is the server's word on its proxy video. Until the proxy is ready,
  // say how far it is and ask again every second.
  show(clipId, proxy) {
    clearTimeout(this.timer);
    this.clipId = clipId;
    const video = this.video;
    if (proxy.state === "ready") {
      this.waitBox.hidden = true;
      if (video.dataset.clip !== clipId) {
        video.dataset.clip = clipId;
        video.src = proxy.url;
      }
      return;
    }
    video.removeAttribute("src");
    video.dataset.clip = "";
    video.load();
    this.waitBox.hidden = false;
    if (proxy.state === "failed") {
      this.waitBox.textContent = `预览视频生成失败：${proxy.message}`;
      return;
    }
    const percent = proxy.total_ms ? Math.floor((100 * proxy.done_ms) / proxy.total_ms) : 0;
    this.waitBox.textContent = proxy.state === "making" ? `正在生成预览视频… ${percent}%` : "预览视频排队生成中…";
    this.timer = setTimeout(async () => {
      const result = await api.proxy(clipId);
      if (this.clipId === clipId && result.ok) this.show(clipId, result.data);
    }, 1000);
  }

  playheadMs() {
    return Math.round(this.video.currentTime * 1000);
  }

  seek(ms) {
    if (!this.video.currentSrc) return;
    this.video.currentTime = ms / 1000;
    this.onTime(this.playheadMs());
  }

  toggle() {
    if (!this.video.currentSrc) return;
    if (this.video.paused) this.play();
    else this.video.pause();
  }

  play() {
    if (this.video.currentSrc) this.video.play().catch(() => {});
  }
}
