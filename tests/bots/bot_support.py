"""Made-up credentials shared by the bot tests: each must reach only its own service and appear nowhere
else (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

CLAUDE_KEY = "sk-ant-test-bots-Qw9eR4tY7uI0oP3aS6dF"
FEISHU_APP_ID = "cli_a1b2c3d4e5f6a7b8"
FEISHU_APP_SECRET = "feishu-secret-Zx8Cv5Bn2Mq7Wr4Ty1Ui"
DISCORD_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.discord-token-Lp0Ok9Ij8Uh7Yg6"
