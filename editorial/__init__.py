"""The editorial workflow: revisions of every content save, drafts over live content, review.

Live rows are what the public sees. A change to published content is kept as a pending
revision (a snapshot of the item with its children) until a publisher publishes it; every
save, publication, revert, deletion and import is a revision that can be compared and
restored. Content apps declare what is versioned in `registry`.
"""
