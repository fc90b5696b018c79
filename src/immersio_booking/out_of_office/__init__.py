"""Teachers away: no slots while out of office; a named substitute takes team sessions."""
