"""Atom feeds of a board's new threads, a thread's new posts and a tag's threads, read by
visitors or, with a member's feed token in the address, as that member may read now."""
