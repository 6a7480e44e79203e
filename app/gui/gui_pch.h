// Listed as a source so the target exists before any view is written; holds nothing the GUI must compile twice.
#pragma once
