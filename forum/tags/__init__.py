"""Tags across platforms: the moderators' list, the tags on a thread, and the tag pages."""
