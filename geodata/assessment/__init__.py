"""Assessment (考核评价): the indicators on the standard base and the periods they are taken over."""
