"""Pages about one post besides the thread page: its edit history and flagging it."""
