// The review server's JSON API. Every call resolves to {ok, status, data}; it never throws for an
// HTTP refusal, so the page can show the server's (Chinese) message.

async function call(method, path, body) {
  const options = { method, headers: {}, cache: "no-store" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    return { ok: false, status: 0, data: { error: "无法连接审校服务，请确认命令行窗口里的服务仍在运行" } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch (err) {
    data = { error: `服务返回了无法识别的内容（${response.status}）` };
  }
  return { ok: response.ok, status: response.status, data };
}

const clipPath = (clipId) => `/api/clips/${encodeURIComponent(clipId)}`;

export const api = {
  project: () => call("GET", "/api/project"),
  clips: () => call("GET", "/api/clips"),
  clip: (clipId) => call("GET", clipPath(clipId)),
  proxy: (clipId) => call("GET", `${clipPath(clipId)}/proxy`),
  lint: (clipId, cues) => call("POST", `${clipPath(clipId)}/lint`, { cues }),
  save: (clipId, version, cues) => call("POST", `${clipPath(clipId)}/save`, { version, cues }),
  approve: (clipId, version, by) => call("POST", `${clipPath(clipId)}/approve`, { version, by }),
};
