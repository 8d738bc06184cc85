"""The approval package (报批材料): 编制说明, the ZIP of the parts, and publication with dates."""
