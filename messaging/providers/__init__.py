"""The providers messages go through, behind one small interface (`base.Provider`)."""
