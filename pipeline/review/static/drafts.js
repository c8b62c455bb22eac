// The draft page (/draft): while `pipeline render DIR --draft --watch` runs, every new pass is put
// into the player by itself, at the same playing position, playing if it was playing. A platform's
// first draft, or one that disappeared, reloads the page.

const POLL_MS = 1500;

function sections() {
  return Array.from(document.querySelectorAll("section[data-platform]"));
}

function swap(section, version) {
  const video = section.querySelector("video");
  // a pass that lands while the previous one is still loading keeps the place asked for then
  // (a new source resets currentTime and paused before its metadata arrives)
  const wanted = section.pending || { at: video.currentTime, playing: !video.paused && !video.ended };
  if (section.pending) video.removeEventListener("loadedmetadata", section.pending.restore);
  wanted.restore = () => {
    section.pending = null;
    video.currentTime = Math.min(wanted.at, Math.max(0, video.duration - 0.04));
    if (wanted.playing) video.play().catch(() => {});
  };
  section.pending = wanted;
  section.dataset.version = version;
  video.addEventListener("loadedmetadata", wanted.restore, { once: true });
  video.src = `/draft/${encodeURIComponent(section.dataset.platform)}.mp4?v=${version}`;
  const stamp = new Date().toLocaleTimeString("zh-CN", { hour12: false });
  section.querySelector(".updated").textContent = `已换上 ${stamp} 渲染的新样片`;
}

async function check() {
  let versions;
  try {
    const response = await fetch("/api/drafts", { cache: "no-store" });
    if (!response.ok) return;
    versions = await response.json();
  } catch (err) {
    return; // the review server stopped or restarts: try again at the next tick
  }
  const shown = sections();
  const names = shown.map((s) => s.dataset.platform).sort().join(",");
  if (names !== Object.keys(versions).sort().join(",")) {
    window.location.reload();
    return;
  }
  for (const section of shown) {
    const version = versions[section.dataset.platform];
    if (version !== section.dataset.version) swap(section, version);
  }
}

// one check at a time: the next is scheduled when this one is done (replies cannot cross)
async function poll() {
  await check();
  window.setTimeout(poll, POLL_MS);
}

window.setTimeout(poll, POLL_MS);
document.body.dataset.ready = "true";
