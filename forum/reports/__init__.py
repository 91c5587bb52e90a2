"""Participation reports for the federation: figures by month, platform, governorate and
local authority, as pages with bars, CSV files and a command for scripts."""
