"""Video meetings for live sessions: one meeting per session, shared by its seats."""
