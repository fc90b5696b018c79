"""``python -m immersio_booking.cli``."""

from immersio_booking.cli import main

main()
