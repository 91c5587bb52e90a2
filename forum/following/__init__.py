"""Following: members follow boards at a level and watch threads, and are told (in the forum,
and by mail for some levels) about what is published there; unsubscribe links from mail."""
