#pragma once
// One GL texture holding many small images of one size (the clusters view's thumbnails of its inputs),
// so that hundreds of them are drawn from a single texture, in one ImGui draw command, and each input is
// uploaded once, not once per frame. Cells are reused least recently used first.
//
// Contracts
// - UI thread only (GL context). put() binds the atlas to upload one cell and restores the previous
//   texture binding and unpack alignment.
// - A cell marked used in the current frame (find() or put() with that frame number) is never evicted
//   in that frame, so every UV handed out stays valid until the frame is rendered. put() returns false
//   when every cell is in use this frame: callers cap how many images they ask for per frame at
//   capacity().
// - reset() (a new image size, or new data) forgets every key; the texture is re-created on the next put.
#include <epoxy/gl.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace vaelab {
namespace gui {

struct SpriteUv {
  float u0 = 0, v0 = 0, u1 = 0, v1 = 0;
};

class SpriteAtlas {
 public:
  SpriteAtlas() = default;
  ~SpriteAtlas();
  SpriteAtlas(const SpriteAtlas&) = delete;
  SpriteAtlas& operator=(const SpriteAtlas&) = delete;

  // Cells of width x height pixels in a texture of at most max_side x max_side.
  void reset(int width, int height, int max_side = 2048);
  int cell_width() const { return width_; }
  int cell_height() const { return height_; }
  int capacity() const { return cols_ * rows_; }

  // True (and the cell's UV, marked used in `frame`) when `key` is in the atlas.
  bool find(int64_t key, int64_t frame, SpriteUv& uv);
  // Uploads one image of the cell size (rows top first; channels 1, 3 or 4) for `key` into a free cell or
  // the least recently used one, marked used in `frame`.
  bool put(int64_t key, const uint8_t* pixels, int channels, int64_t frame, SpriteUv& uv);
  void* imgui_id() const { return reinterpret_cast<void*>(static_cast<intptr_t>(id_)); }

 private:
  SpriteUv cell_uv(int cell) const;
  bool ensure_texture();

  GLuint id_ = 0;
  int width_ = 0, height_ = 0;
  int cols_ = 0, rows_ = 0;
  std::unordered_map<int64_t, int> cell_of_;  // key -> cell
  std::vector<int64_t> key_of_;               // cell -> key (-1: free)
  std::vector<int64_t> used_at_;              // cell -> frame of last use
  std::vector<uint8_t> rgba_;                 // scratch for one cell
};

}  // namespace gui
}  // namespace vaelab
