"""What following does when content is added (forum.events): authors watch what they write
in, and new boards get members' level for new boards.
"""

from forum import events
from forum.following import actions


@events.post_created.connect
def _watch_what_one_writes(post, **_extra):
    actions.watch_automatically(post.author, post.thread)


@events.board_created.connect
def _apply_new_board_levels(board, **_extra):
    actions.follow_new_board(board)
