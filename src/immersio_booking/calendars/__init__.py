"""Teachers' own calendars: busy times read in (slots subtract them), sessions written out."""
