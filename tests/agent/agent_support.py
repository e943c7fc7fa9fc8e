"""Constants shared by the agent tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

CLAUDE_KEY = "sk-ant-test-Zq8fW3kLmN0pQ7rStUvWxY1z"
"""A made-up Claude API key: it must reach the fake Messages API and appear nowhere else."""
