"""Chat bots for merchants without OpenClaw: `partnerboost bot feishu` (lark-oapi, long connection) and
`partnerboost bot discord` (discord.py). Both are the optional extra `pip install 'partnerboost-skill[bots]'`;
the channel-neutral part (allow-list, set-up, one question per chat, answers) is bots.core."""
