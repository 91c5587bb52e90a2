"""`flask forum board …` and `flask forum task-force …` commands."""

from flask.cli import AppGroup

board_cli = AppGroup("board", help="Boards and their moderators.")
task_force_cli = AppGroup("task-force", help="Task forces and their members.")
