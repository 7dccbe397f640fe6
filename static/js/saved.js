// Saved-articles library (filled in later in this change).
