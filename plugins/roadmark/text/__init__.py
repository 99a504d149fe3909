"""Text for people: safe printing, English words, did-you-mean."""
