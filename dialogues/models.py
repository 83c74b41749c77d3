# Dialogue series and meetings (paragraph 12) arrive with the dialogues issue.
