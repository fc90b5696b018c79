"""Workflows: reminders and messages that booking events trigger (Cal.com workflows)."""
