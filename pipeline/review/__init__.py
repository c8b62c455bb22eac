"""The producers' review page: `pipeline review DIR` serves it on loopback.

workspace: list, open, check, save and approve a clip's subtitles (no HTTP); proxy: the browser-friendly
video; server + handler: the HTTP server and its routes; wire: the JSON; wording: findings in Chinese;
ranges: HTTP byte ranges; static/: the page (plain HTML, CSS and JavaScript modules, no build step).
"""
