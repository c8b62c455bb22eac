"""WeChat's error codes (global return codes and the ones of the calls used here), as one line:
the code, what it means and what to do. Taken from the official documentation's tables."""

from __future__ import annotations

from pipeline.i18n import N_, _

# code: (what it means, what to do)
MEANINGS: dict[int, tuple[str, str]] = {
    -1: (N_("WeChat's system is busy"), N_("try again in a few minutes")),
    40001: (
        N_("the AppSecret is wrong or the access token is invalid"),
        N_(
            "check WECHAT_APPSECRET (公众平台 → 设置与开发 → 基本配置) and that WECHAT_APPID is the same account"
        ),
    ),
    40002: (N_("invalid grant type"), N_("report this as a bug in the pipeline")),
    40004: (N_("invalid media type"), N_("report this as a bug in the pipeline")),
    40005: (
        N_("invalid file type"),
        N_("render the episode again; the file is not in a format WeChat accepts"),
    ),
    40006: (N_("invalid file size"), N_("render the episode again; the file is empty or too large")),
    40007: (
        N_("invalid media id: a material recorded in published.json is no longer in the account's library"),
        N_('if it was deleted in 公众平台, remove its entry under "wechat" in published.json and run again'),
    ),
    40009: (
        N_("invalid image size"),
        N_("use a smaller image (at most 10 MB; 1 MB for pictures in the article)"),
    ),
    40011: (N_("invalid video size"), N_("use the size-capped -api.mp4 (at most 10 MB)")),
    40012: (N_("invalid thumbnail size"), N_("use a thumbnail of at most 64 KB")),
    40013: (
        N_("invalid AppID"),
        N_("check WECHAT_APPID: copy it again from 公众平台 → 设置与开发 → 基本配置"),
    ),
    40014: (
        N_("invalid access token"),
        N_("run the command again; if it persists, check WECHAT_APPID and WECHAT_APPSECRET"),
    ),
    40035: (N_("an invalid argument in the request"), N_("report this as a bug in the pipeline")),
    40125: (
        N_("invalid AppSecret"),
        N_("check WECHAT_APPSECRET, or reset it in 公众平台 → 设置与开发 → 基本配置"),
    ),
    40137: (N_("unsupported image format"), N_("give a JPG or PNG picture")),
    40164: (
        N_("this machine's IP address is not on the account's IP whitelist"),
        N_(
            "add the address WeChat names to 微信公众平台 → 设置与开发 → 基本配置 → IP白名单 (an administrator "
            "confirms by scanning), wait about 5 minutes and run again"
        ),
    ),
    40243: (N_("the AppSecret is frozen"), N_("unfreeze it in 公众平台 → 设置与开发 → 基本配置")),
    41001: (N_("the access token is missing"), N_("report this as a bug in the pipeline")),
    41005: (N_("the media file is missing from the upload"), N_("report this as a bug in the pipeline")),
    42001: (N_("the access token expired"), N_("run the command again")),
    43002: (N_("the call needs POST"), N_("report this as a bug in the pipeline")),
    44001: (N_("the media file is empty"), N_("render the episode again")),
    44002: (N_("the POST body is empty"), N_("report this as a bug in the pipeline")),
    44003: (
        N_("the article content is empty"),
        N_("check the story in publish.json; run `pipeline batch` again"),
    ),
    45001: (N_("the media file is over WeChat's size limit"), N_("use a smaller file")),
    45002: (
        N_("the content is over WeChat's length limit"),
        N_("shorten the story (under 20,000 characters)"),
    ),
    45003: (N_("the title is over WeChat's length limit"), N_("shorten the title (at most 32 characters)")),
    45004: (
        N_("the digest is over WeChat's length limit"),
        N_("shorten the digest (at most 128 characters)"),
    ),
    45009: (
        N_("the account's daily quota for this call is used up"),
        N_(
            "run again tomorrow (the quota resets every day); what was done is recorded and the rerun continues"
        ),
    ),
    45011: (N_("calls are too frequent"), N_("wait a minute and run again")),
    45166: (
        N_("WeChat refused something in the article's content"),
        N_("check the story and credits in publish.json for unusual characters or markup, then run again"),
    ),
    47001: (N_("the request's JSON or form data is malformed"), N_("report this as a bug in the pipeline")),
    48001: (
        N_(
            "this account has no permission for this API (unverified accounts lost the publish API in July 2025)"
        ),
        N_("verify the account, or publish the draft by hand in 公众平台"),
    ),
    50001: (
        N_("the account has no permission for this API"),
        N_("check the account's API permissions in 公众平台"),
    ),
    50002: (N_("the account's API use is restricted"), N_("check the account's state in 公众平台")),
    53503: (
        N_("the draft did not pass WeChat's publish check"),
        N_("open the draft in 公众平台 and fix what it says"),
    ),
    53504: (
        N_("this draft must be published in 公众平台"),
        N_("open the draft in 公众平台 and publish it there"),
    ),
    53505: (
        N_("the draft must be saved by hand first"),
        N_("open the draft in 公众平台, save it, then publish"),
    ),
}


def describe(code: int, errmsg: str, call: str) -> str:
    """`WeChat error 40164 on cgi-bin/stable_token: <meaning> (invalid ip ...); <what to do>`."""
    meaning, action = MEANINGS.get(
        code, (N_("an error this tool does not know"), N_("look the code up in WeChat's global return codes"))
    )
    said = _(" (WeChat said: {errmsg})").format(errmsg=errmsg) if errmsg else ""
    return _("WeChat error {code} on {call}: {meaning}{said}; {action}").format(
        code=code, call=call, meaning=_(meaning), said=said, action=_(action)
    )
