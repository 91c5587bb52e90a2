"""Attachments: files in posts, typed by their content, stored by hash, read through the policy."""
