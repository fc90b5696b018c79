from tests.meeting_links.helpers import providers_wired, zoom_jobs  # noqa: F401
from tests.video.conftest import fake_zoom, zoom_client_app  # noqa: F401  (the Zoom simulator)
