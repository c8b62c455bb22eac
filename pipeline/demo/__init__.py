"""The bundled sample project and `pipeline demo`."""

from pipeline.project.model import REPO_ROOT

CARD_CACHE = REPO_ROOT / ".cache" / "sample-card-v4"  # the generated "camera card", kept between builds
CONSENT_FORM = "consent-王建华.jpg"  # on the card: the subject's signed form, recorded by the demo
