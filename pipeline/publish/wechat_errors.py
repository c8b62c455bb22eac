"""WeChat's error codes (global return codes and the ones of the calls used here), as one line:
the code, what it means and what to do. Taken from the official documentation's tables."""

from __future__ import annotations

WHITELIST_PLACE = "微信公众平台 → 设置与开发 → 基本配置 → IP白名单"

# code: (what it means, what to do)
MEANINGS: dict[int, tuple[str, str]] = {
    -1: ("WeChat's system is busy", "try again in a few minutes"),
    40001: (
        "the AppSecret is wrong or the access token is invalid",
        "check WECHAT_APPSECRET (公众平台 → 设置与开发 → 基本配置) and that WECHAT_APPID is the same account",
    ),
    40002: ("invalid grant type", "report this as a bug in the pipeline"),
    40004: ("invalid media type", "report this as a bug in the pipeline"),
    40005: ("invalid file type", "render the episode again; the file is not in a format WeChat accepts"),
    40006: ("invalid file size", "render the episode again; the file is empty or too large"),
    40007: (
        "invalid media id: a material recorded in published.json is no longer in the account's library",
        'if it was deleted in 公众平台, remove its entry under "wechat" in published.json and run again',
    ),
    40009: ("invalid image size", "use a smaller image (at most 10 MB; 1 MB for pictures in the article)"),
    40011: ("invalid video size", "use the size-capped -api.mp4 (at most 10 MB)"),
    40012: ("invalid thumbnail size", "use a thumbnail of at most 64 KB"),
    40013: ("invalid AppID", "check WECHAT_APPID: copy it again from 公众平台 → 设置与开发 → 基本配置"),
    40014: (
        "invalid access token",
        "run the command again; if it persists, check WECHAT_APPID and WECHAT_APPSECRET",
    ),
    40035: ("an invalid argument in the request", "report this as a bug in the pipeline"),
    40125: ("invalid AppSecret", "check WECHAT_APPSECRET, or reset it in 公众平台 → 设置与开发 → 基本配置"),
    40137: ("unsupported image format", "give a JPG or PNG picture"),
    40164: (
        "this machine's IP address is not on the account's IP whitelist",
        f"add the address WeChat names to {WHITELIST_PLACE} (an administrator confirms by scanning), "
        "wait about 5 minutes and run again",
    ),
    40243: ("the AppSecret is frozen", "unfreeze it in 公众平台 → 设置与开发 → 基本配置"),
    41001: ("the access token is missing", "report this as a bug in the pipeline"),
    41005: ("the media file is missing from the upload", "report this as a bug in the pipeline"),
    42001: ("the access token expired", "run the command again"),
    43002: ("the call needs POST", "report this as a bug in the pipeline"),
    44001: ("the media file is empty", "render the episode again"),
    44002: ("the POST body is empty", "report this as a bug in the pipeline"),
    44003: ("the article content is empty", "check the story in publish.json; run `pipeline batch` again"),
    45001: ("the media file is over WeChat's size limit", "use a smaller file"),
    45002: ("the content is over WeChat's length limit", "shorten the story (under 20,000 characters)"),
    45003: ("the title is over WeChat's length limit", "shorten the title (at most 32 characters)"),
    45004: ("the digest is over WeChat's length limit", "shorten the digest (at most 128 characters)"),
    45009: (
        "the account's daily quota for this call is used up",
        "run again tomorrow (the quota resets every day); what was done is recorded and the rerun continues",
    ),
    45011: ("calls are too frequent", "wait a minute and run again"),
    45166: (
        "WeChat refused something in the article's content",
        "check the story and credits in publish.json for unusual characters or markup, then run again",
    ),
    47001: ("the request's JSON or form data is malformed", "report this as a bug in the pipeline"),
    48001: (
        "this account has no permission for this API (unverified accounts lost the publish API in July 2025)",
        "verify the account, or publish the draft by hand in 公众平台",
    ),
    50001: ("the account has no permission for this API", "check the account's API permissions in 公众平台"),
    50002: ("the account's API use is restricted", "check the account's state in 公众平台"),
    53503: (
        "the draft did not pass WeChat's publish check",
        "open the draft in 公众平台 and fix what it says",
    ),
    53504: ("this draft must be published in 公众平台", "open the draft in 公众平台 and publish it there"),
    53505: ("the draft must be saved by hand first", "open the draft in 公众平台, save it, then publish"),
}


def describe(code: int, errmsg: str, call: str) -> str:
    """`WeChat error 40164 on cgi-bin/stable_token: <meaning> (invalid ip ...); <what to do>`."""
    meaning, action = MEANINGS.get(
        code, ("an error this tool does not know", "look the code up in WeChat's global return codes")
    )
    said = f" (WeChat said: {errmsg})" if errmsg else ""
    return f"WeChat error {code} on {call}: {meaning}{said}; {action}"
