"""Public pages: landing pages, booking, confirmation, manage links, payment, the embed."""
