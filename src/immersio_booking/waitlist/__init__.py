"""The waitlist of full seated sessions: joining, leaving, the staff's lists, offers."""
