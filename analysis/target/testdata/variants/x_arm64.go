package variants
