"""Moderation queues, flags and the moderation log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/mod")
