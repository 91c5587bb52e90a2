"""The reader's own state: unread tracking, "mark all read", and kept drafts."""
