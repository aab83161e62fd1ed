"""The domain: pure types every other room speaks.

Kinds of pointer, the round/stage/outcome vocabulary and the data model.
Nothing here imports any other part of coach, so anything may import it.
"""
