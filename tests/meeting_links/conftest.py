from tests.meeting_links.helpers import providers_wired  # noqa: F401  (the video providers' port)
