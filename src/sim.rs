//! The simulated My Number Card: a card, not a script.
