"""The bundled sample project and `pipeline demo`."""

from pathlib import Path

# the generated "camera card", kept between demos beside the speech-model cache (outside the package)
CARD_CACHE = Path("~/.cache/party-video-pipeline/sample-card-v4").expanduser()
CONSENT_FORM = "consent-王建华.jpg"  # on the card: the subject's signed form, recorded by the demo
